# Sourced by ./bdt, ./mvnw and .ci/run: exports JAVA_HOME pointing at a JDK 21 or newer.
# Order: $JAVA_HOME if it is 21+, then the newest JDK under /usr/lib/jvm, then `java` on PATH.
# Prints a clear message and returns 1 when no JDK 21+ exists.

bdt_java_major() {
  # $1: path to a java binary; prints its feature version (17, 21, 25, ...) or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

bdt_find_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(bdt_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(bdt_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(bdt_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then best="$candidate"; fi
  fi
  if [ -z "$best" ]; then
    echo "B-DT needs a JDK 21 or newer, and none was found." >&2
    echo "  Looked at: JAVA_HOME=${JAVA_HOME:-<unset>}, /usr/lib/jvm/*, and javac on PATH." >&2
    echo "  Install one (e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 21) or set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  return 0
}
