package io.bdt.explorer.abi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.crypto.Hash;

/**
 * B-DT's contracts as the explorer knows them: their ABIs and creation bytecode read from the
 * contracts module's committed artifacts ({@code /contracts/NAME.abi}, {@code .bin} on the class
 * path: one source), so it can recognise their deployments and decode their calls and events.
 */
public final class BdtContracts {

  /** The contracts, by name. */
  public static final List<String> NAMES =
      List.of("DeviceRegistry", "ReputationLedger", "TwinAnchor");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  /** A decoded call or event: the contract, the entry's name and signature, and its arguments. */
  public record Decoded(String contract, String name, String signature, Map<String, Object> args) {}

  private record Entry(String contract, String name, String signature, List<AbiParam> inputs) {}

  private final Map<String, String> creationCode = new HashMap<>();
  private final Map<String, JsonNode> abis = new HashMap<>();
  private final Map<String, Entry> functions = new HashMap<>(); // contract + selector
  private final Map<String, Entry> events = new HashMap<>(); // topic0

  /** Loads the committed artifacts. */
  public static BdtContracts load() {
    BdtContracts c = new BdtContracts();
    for (String name : NAMES) {
      JsonNode abi = c.read(name + ".abi");
      c.abis.put(name, abi);
      c.creationCode.put(name, c.readText(name + ".bin").trim().toLowerCase().replace("0x", ""));
      for (JsonNode e : abi) {
        String type = e.path("type").asText();
        if (!type.equals("function") && !type.equals("event")) {
          continue;
        }
        List<AbiParam> inputs = AbiParam.list(e.path("inputs"));
        String sig =
            e.path("name").asText()
                + "("
                + String.join(",", inputs.stream().map(AbiParam::canonical).toList())
                + ")";
        byte[] hash = Hash.sha3(sig.getBytes(StandardCharsets.UTF_8));
        Entry entry = new Entry(name, e.path("name").asText(), sig, inputs);
        if (type.equals("function")) {
          c.functions.put(name + ":" + HEX.formatHex(hash, 0, 4), entry);
        } else {
          c.events.put("0x" + HEX.formatHex(hash), entry);
        }
      }
    }
    return c;
  }

  /** The ABI JSON of contract {@code name}. */
  public JsonNode abi(String name) {
    return abis.get(name);
  }

  /** Which B-DT contract a creation transaction with {@code input} (0x hex) deploys, if any. */
  public Optional<String> deployedBy(String input) {
    String code = strip(input);
    for (String name : NAMES) {
      if (code.startsWith(creationCode.get(name))) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  /** The call {@code input} (0x hex) to a {@code contract}, decoded by its ABI, if it matches. */
  public Optional<Decoded> decodeCall(String contract, String input) {
    String hex = strip(input);
    if (hex.length() < 8) {
      return Optional.empty();
    }
    Entry e = functions.get(contract + ":" + hex.substring(0, 8));
    if (e == null) {
      return Optional.empty();
    }
    try {
      byte[] data = HEX.parseHex(hex.substring(8));
      return Optional.of(
          new Decoded(e.contract(), e.name(), e.signature(), AbiCodec.decode(e.inputs(), data)));
    } catch (IllegalArgumentException bad) {
      return Optional.empty();
    }
  }

  /** An event log of a B-DT contract ({@code topics} and {@code data} as 0x hex), decoded. */
  public Optional<Decoded> decodeLog(List<String> topics, String data) {
    if (topics.isEmpty()) {
      return Optional.empty();
    }
    Entry e = events.get(topics.getFirst().toLowerCase());
    if (e == null) {
      return Optional.empty();
    }
    try {
      List<AbiParam> indexed = e.inputs().stream().filter(AbiParam::indexed).toList();
      List<AbiParam> plain = e.inputs().stream().filter(p -> !p.indexed()).toList();
      if (indexed.size() != topics.size() - 1) {
        return Optional.empty();
      }
      Map<String, Object> fromData = AbiCodec.decode(plain, HEX.parseHex(strip(data)));
      Map<String, Object> args = new java.util.LinkedHashMap<>();
      int t = 1;
      for (AbiParam p : e.inputs()) {
        args.put(
            p.name(),
            p.indexed()
                ? AbiCodec.decodeWord(p, HEX.parseHex(strip(topics.get(t++))))
                : fromData.get(p.name()));
      }
      return Optional.of(new Decoded(e.contract(), e.name(), e.signature(), args));
    } catch (IllegalArgumentException bad) {
      return Optional.empty();
    }
  }

  /** The 4-byte selector (0x hex) of {@code contract}'s function {@code name}. */
  public String selector(String contract, String name) {
    List<String> found = new ArrayList<>();
    functions.forEach(
        (k, v) -> {
          if (v.contract().equals(contract) && v.name().equals(name)) {
            found.add("0x" + k.substring(k.indexOf(':') + 1));
          }
        });
    if (found.size() != 1) {
      throw new IllegalArgumentException(contract + "." + name + ": " + found.size() + " matches");
    }
    return found.getFirst();
  }

  private static String strip(String hex) {
    String h = hex == null ? "" : hex.toLowerCase();
    return h.startsWith("0x") ? h.substring(2) : h;
  }

  private JsonNode read(String file) {
    try {
      return JSON.readTree(readText(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String readText(String file) {
    try (InputStream in = BdtContracts.class.getResourceAsStream("/contracts/" + file)) {
      if (in == null) {
        throw new IllegalStateException(
            "/contracts/" + file + " is not on the class path (the contracts module's artifacts)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
