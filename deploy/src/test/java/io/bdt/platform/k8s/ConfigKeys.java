package io.bdt.platform.k8s;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The configuration keys a service reads, from its {@link ConfigMapping} interface: every leaf
 * property with its environment-variable form, and whether the service fails to start without it
 * (no default, not optional). Map-valued groups ({@code profiles.<name>.key}) become wildcards.
 */
record ConfigKeys(List<Key> keys) {

  /**
   * One property: {@code name} like {@code bdt.ap.chain.rpc-port}; {@code required} if no default.
   */
  record Key(String name, boolean required) {
    /** Whether environment variable {@code env} sets this property (SmallRye's env-name rule). */
    boolean matchesEnv(String env) {
      StringBuilder regex = new StringBuilder();
      for (String part : name.split("\\*", -1)) {
        if (!regex.isEmpty()) {
          regex.append("[A-Z0-9_]+"); // a map key (a profile name, say)
        }
        regex.append(Pattern.quote(toEnv(part)));
      }
      return Pattern.matches(regex.toString(), env);
    }
  }

  /** The keys of {@code mapping}, a {@code @ConfigMapping} interface. */
  static ConfigKeys of(Class<?> mapping) {
    ConfigMapping annotation = mapping.getAnnotation(ConfigMapping.class);
    if (annotation == null) {
      throw new IllegalArgumentException(mapping + " is not a @ConfigMapping interface");
    }
    List<Key> keys = new ArrayList<>();
    walk(mapping, annotation.prefix(), true, keys);
    return new ConfigKeys(List.copyOf(keys));
  }

  /** SmallRye's environment-variable name of a property: upper case, non-alphanumerics to '_'. */
  static String toEnv(String property) {
    return property.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** Whether {@code env} sets one of these keys. */
  boolean readsEnv(String env) {
    return keys.stream().anyMatch(k -> k.matchesEnv(env));
  }

  /** Keys the service cannot start without. */
  List<Key> required() {
    return keys.stream().filter(Key::required).toList();
  }

  private static void walk(Class<?> group, String prefix, boolean mandatory, List<Key> keys) {
    for (Method m : group.getMethods()) {
      if (m.getParameterCount() != 0 || m.isDefault() || m.isSynthetic()) {
        continue;
      }
      WithName withName = m.getAnnotation(WithName.class);
      String name = prefix + "." + (withName != null ? withName.value() : kebab(m.getName()));
      Class<?> type = m.getReturnType();
      boolean hasDefault = m.getAnnotation(WithDefault.class) != null;
      if (type == Map.class) {
        Type value = ((ParameterizedType) m.getGenericReturnType()).getActualTypeArguments()[1];
        if (value instanceof Class<?> c && c.isInterface() && !c.getName().startsWith("java.")) {
          walk(c, name + ".*", false, keys);
        } else {
          keys.add(new Key(name + ".*", false));
        }
      } else if (type == Optional.class
          && ((ParameterizedType) m.getGenericReturnType()).getActualTypeArguments()[0]
              instanceof Class<?> c
          && c.isInterface()
          && !c.getName().startsWith("java.")) {
        walk(c, name, false, keys);
      } else if (type.isInterface() && !type.getName().startsWith("java.")) {
        walk(type, name, mandatory, keys);
      } else {
        boolean optional =
            type == Optional.class
                || type == OptionalInt.class
                || type == OptionalLong.class
                || type == OptionalDouble.class;
        keys.add(new Key(name, mandatory && !hasDefault && !optional));
      }
    }
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }
}
