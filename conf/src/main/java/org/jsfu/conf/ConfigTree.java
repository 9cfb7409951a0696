package org.jsfu.conf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A parsed YAML document as nested maps whose scalars are all kept as their literal text (only
 * {@code null}/{@code ~}/empty become null). Keeping text means a secret such as {@code 0123} stays
 * "0123" (YAML 1.1 would read octal 83) and typed reads below can quote the value in errors.
 */
final class ConfigTree {
    private final Map<String, Object> root;

    ConfigTree(Map<String, Object> root) {
        this.root = root;
    }

    static ConfigTree empty() {
        return new ConfigTree(new LinkedHashMap<>());
    }

    /** Parses a YAML mapping; {@code source} names the file/flag/env var in error messages. */
    @SuppressWarnings("unchecked")
    static ConfigTree parse(String yaml, String source) {
        Object doc;
        try {
            doc = yaml().load(yaml);
        } catch (MarkedYAMLException e) {
            throw new ConfigException(source + ": invalid YAML at line " + (e.getProblemMark().getLine() + 1)
                    + ": " + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException(source + ": invalid YAML: " + e.getMessage());
        }
        if (doc == null) return empty();
        if (!(doc instanceof Map)) throw new ConfigException(source + ": expected a YAML mapping of keys, got a " + kind(doc));
        return new ConfigTree(copy((Map<Object, Object>) doc));
    }

    private static Yaml yaml() {
        LoaderOptions lo = new LoaderOptions();
        lo.setAllowDuplicateKeys(false);
        Resolver r = new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.NULL, NULL, "~nN\u0000");
                addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.NULL, EMPTY, null);
            }
        };
        return new Yaml(new SafeConstructor(lo), new Representer(new DumperOptions()), new DumperOptions(), lo, r);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<Object, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> e : m.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map) v = copy((Map<Object, Object>) v);
            else if (v instanceof List) {
                List<Object> l = new ArrayList<>();
                for (Object o : (List<Object>) v) l.add(o instanceof Map ? copy((Map<Object, Object>) o) : o);
                v = l;
            }
            out.put(String.valueOf(e.getKey()), v);
        }
        return out;
    }

    static String kind(Object o) {
        if (o instanceof Map) return "mapping";
        if (o instanceof List) return "list";
        return "scalar";
    }

    Map<String, Object> root() {
        return root;
    }

    Object get(String path) {
        Object cur = root;
        for (String part : path.split("\\.")) {
            if (!(cur instanceof Map)) return null;
            cur = ((Map<?, ?>) cur).get(part);
        }
        return cur;
    }

    boolean has(String path) {
        return get(path) != null;
    }

    @SuppressWarnings("unchecked")
    void set(String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> cur = root;
        for (int i = 0; i < parts.length - 1; i++) {
            Object next = cur.get(parts[i]);
            if (!(next instanceof Map)) {
                next = new LinkedHashMap<String, Object>();
                cur.put(parts[i], next);
            }
            cur = (Map<String, Object>) next;
        }
        cur.put(parts[parts.length - 1], value);
    }

    private String scalar(String path) {
        Object v = get(path);
        if (v == null) return null;
        if (v instanceof Map || v instanceof List) {
            throw new ConfigException(path + ": expected a single value, got a " + kind(v));
        }
        return v.toString().trim();
    }

    String str(String path, String def) {
        String s = scalar(path);
        return s == null ? def : s;
    }

    long longVal(String path, long def, long min, long max) {
        String s = scalar(path);
        if (s == null || s.isEmpty()) return def;
        long v;
        try {
            v = Long.parseLong(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException(path + ": expected an integer, got \"" + s + "\"");
        }
        if (v < min || v > max) throw new ConfigException(path + ": " + v + " is out of range " + min + "-" + max);
        return v;
    }

    int intVal(String path, int def, int min, int max) {
        return (int) longVal(path, def, min, max);
    }

    int port(String path, int def) {
        return intVal(path, def, 0, 65535);
    }

    boolean bool(String path, boolean def) {
        String s = scalar(path);
        if (s == null || s.isEmpty()) return def;
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "y": return true;
            case "false": case "no": case "off": case "n": return false;
            default: throw new ConfigException(path + ": expected true or false, got \"" + s + "\"");
        }
    }

    /** A list of strings; a single scalar (e.g. from a flag) becomes a one-element list. */
    List<String> strList(String path) {
        Object v = get(path);
        List<String> out = new ArrayList<>();
        if (v == null) return out;
        if (v instanceof Map) throw new ConfigException(path + ": expected a list, got a mapping");
        if (!(v instanceof List)) {
            for (String s : v.toString().split(",")) if (!s.isBlank()) out.add(s.trim());
            return out;
        }
        for (Object o : (List<?>) v) {
            if (o == null) continue;
            if (o instanceof Map || o instanceof List) throw new ConfigException(path + ": expected a list of values, found a " + kind(o));
            out.add(o.toString().trim());
        }
        return out;
    }

    /** A mapping of string to string (for example {@code keys}). */
    Map<String, String> strMap(String path) {
        Object v = get(path);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) return out;
        if (!(v instanceof Map)) throw new ConfigException(path + ": expected a mapping, got a " + kind(v));
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            Object val = e.getValue();
            if (val instanceof Map || val instanceof List) throw new ConfigException(path + "." + e.getKey() + ": expected a single value, got a " + kind(val));
            out.put(e.getKey().toString(), val == null ? "" : val.toString());
        }
        return out;
    }

    /** A list of mappings (for example {@code rtc.turn_servers}); each element is read as its own tree. */
    List<ConfigTree> mapList(String path) {
        Object v = get(path);
        List<ConfigTree> out = new ArrayList<>();
        if (v == null) return out;
        if (!(v instanceof List)) throw new ConfigException(path + ": expected a list, got a " + kind(v));
        for (Object o : (List<?>) v) {
            if (!(o instanceof Map)) throw new ConfigException(path + ": expected a list of mappings, found a " + kind(o));
            @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) o;
            out.add(new ConfigTree(m));
        }
        return out;
    }

    /**
     * Adds a warning for every key not in {@code known}. {@code open} sections are accepted with
     * any content; {@code sections} are walked into. Paths are dotted; {@code prefix} names the tree.
     */
    void unknownKeys(String prefix, Set<String> leaves, Set<String> sections, Set<String> open, List<String> warnings) {
        walk(root, prefix, leaves, sections, open, warnings);
    }

    private static void walk(Map<String, Object> m, String prefix, Set<String> leaves, Set<String> sections, Set<String> open, List<String> warnings) {
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String p = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (open.contains(p) || leaves.contains(p)) continue;
            if (sections.contains(p)) {
                if (e.getValue() instanceof Map) {
                    @SuppressWarnings("unchecked") Map<String, Object> sub = (Map<String, Object>) e.getValue();
                    walk(sub, p, leaves, sections, open, warnings);
                } else if (e.getValue() != null) {
                    throw new ConfigException(p + ": expected a mapping, got a " + kind(e.getValue()));
                }
                continue;
            }
            warnings.add("unknown config key " + p + " (ignored)");
        }
    }
}
