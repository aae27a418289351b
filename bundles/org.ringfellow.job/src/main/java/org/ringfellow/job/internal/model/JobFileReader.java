package org.ringfellow.job.internal.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.ringfellow.api.node.Resources;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads a job file, JSON or YAML, into a {@link JobSpec}. Every field is checked against its bound, unknown fields
 * are refused, and each error names the field (docs/jobs.md has the schema).
 */
public final class JobFileReader {

    /** Largest job file read. */
    public static final int MAX_FILE_BYTES = 8 << 20;
    /** Most tasks in one job. */
    public static final int MAX_TASKS = 100_000;
    /** Longest input line. */
    public static final int MAX_LINE_CHARS = 64 << 10;
    /** Largest input file. */
    public static final long MAX_INPUT_FILE_BYTES = 16L << 20;
    /** Most command (and validator) arguments. */
    public static final int MAX_ARGS = 64;
    /** Longest argument or environment value. */
    public static final int MAX_ARG_CHARS = 4096;
    /** Most environment variables. */
    public static final int MAX_ENV = 32;
    /** Most declared outputs. */
    public static final int MAX_OUTPUTS = 16;
    /** Largest {@code maxOutputBytes}. */
    public static final long MAX_OUTPUT_CAP = 64L << 20;
    /** Longest {@code deadlineSeconds}: a day. */
    public static final int MAX_DEADLINE_SECONDS = 86_400;
    /** Most tasks a member runs at once. */
    public static final int MAX_SLOTS = 64;
    /** Most milli-CPUs a member may be asked for. */
    public static final long MAX_MILLI_CPUS = 256_000;
    /** Most memory or disk a member may be asked for (1 TiB). */
    public static final long MAX_BYTES = 1L << 40;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Z_][A-Z0-9_]{0,63}");
    private static final Pattern OUTPUT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,13})([kmgt]?)i?b?");
    private static final Pattern CPUS = Pattern.compile("(\\d{1,6})m|(\\d{1,3})(\\.\\d{1,3})?");
    private static final Set<String> TOP = Set.of("name", "runtime", "image", "command", "env", "inputs", "outputs",
            "resources", "members", "slotsPerMember", "deadlineSeconds", "maxOutputBytes", "replication",
            "validator", "exclusion");

    private final ObjectMapper json;
    private final ObjectMapper yaml;

    /** Makes a reader with bounded parsers (nesting, string length, YAML aliases, duplicate keys refused). */
    public JobFileReader() {
        StreamReadConstraints limits = StreamReadConstraints.builder().maxNestingDepth(16)
                .maxStringLength(MAX_FILE_BYTES).maxNumberLength(32).build();
        JsonFactory jsonFactory = JsonFactory.builder().streamReadConstraints(limits).build();
        json = new ObjectMapper(jsonFactory).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        LoaderOptions loader = new LoaderOptions();
        loader.setAllowDuplicateKeys(false);
        loader.setMaxAliasesForCollections(8);
        loader.setNestingDepthLimit(16);
        loader.setCodePointLimit(MAX_FILE_BYTES);
        YAMLFactory yamlFactory = YAMLFactory.builder().loaderOptions(loader).streamReadConstraints(limits).build();
        yaml = new ObjectMapper(yamlFactory).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /**
     * Reads a job file; input files are found relative to its directory.
     *
     * @param file the job file ({@code .json}, {@code .yaml} or {@code .yml}; otherwise told apart by its first
     *        character)
     * @return the job
     * @throws JobFileException if the file cannot be read or a field is not valid
     */
    public JobSpec read(Path file) throws JobFileException {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new JobFileException("job file " + file + " is not a regular file");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new JobFileException("job file " + file + " is " + size + " bytes, over the " + MAX_FILE_BYTES
                        + " byte limit");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new JobFileException("cannot read job file " + file + ": " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Boolean isYaml = lower.endsWith(".json") ? Boolean.FALSE
                : lower.endsWith(".yaml") || lower.endsWith(".yml") ? Boolean.TRUE : null;
        return parse(bytes, isYaml, base);
    }

    /**
     * Parses a job from its text.
     *
     * @param bytes the file's content
     * @param isYaml true for YAML, false for JSON, null to tell by the first non-blank character ({@code {} is JSON)
     * @param base the directory input files are relative to
     * @return the job
     * @throws JobFileException if the text does not parse or a field is not valid
     */
    public JobSpec parse(byte[] bytes, Boolean isYaml, Path base) throws JobFileException {
        if (bytes.length > MAX_FILE_BYTES) {
            throw new JobFileException("job file is " + bytes.length + " bytes, over the " + MAX_FILE_BYTES
                    + " byte limit");
        }
        boolean yamlFormat = isYaml != null ? isYaml : !new String(bytes, StandardCharsets.UTF_8).strip().startsWith("{");
        JsonNode root;
        try {
            if (yamlFormat) {
                refuseAnchors(bytes);
            }
            root = (yamlFormat ? yaml : json).readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new JobFileException("job file is not valid " + (yamlFormat ? "YAML" : "JSON") + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException | RuntimeException e) {
            // SnakeYAML reports its own limits (aliases, nesting, size) as unchecked exceptions
            throw new JobFileException("job file is not valid " + (yamlFormat ? "YAML" : "JSON") + ": "
                    + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new JobFileException("job file must hold an object (a mapping) at the top");
        }
        try {
            return toSpec((ObjectNode) root, base);
        } catch (IllegalArgumentException e) {
            throw new JobFileException(e.getMessage(), e);
        }
    }

    /**
     * Jackson's YAML reader does not expand an alias: it reads {@code *a} as the text "a", which would pass for a
     * value silently. So anchors and aliases are refused outright.
     */
    private void refuseAnchors(byte[] bytes) throws IOException, JobFileException {
        try (YAMLParser parser = (YAMLParser) yaml.getFactory().createParser(bytes)) {
            while (parser.nextToken() != null) {
                if (parser.isCurrentAlias() || parser.getObjectId() != null) {
                    throw new JobFileException("YAML anchors and aliases (& and *) are not accepted in a job file "
                            + "(line " + parser.currentTokenLocation().getLineNr() + ")");
                }
            }
        }
    }

    private JobSpec toSpec(ObjectNode root, Path base) throws JobFileException {
        known(root, "", TOP);
        String name = text(root, "name", null, NAME, "1-32 characters of [a-z0-9-], starting with a letter or digit");
        String runtime = text(root, "runtime", "command", null, null);
        if (!runtime.equals("command")) {
            throw new JobFileException("runtime: only \"command\" is supported, got \"" + runtime + "\"");
        }
        String image = text(root, "image", null, IMAGE, "1-64 characters of [a-z0-9._-]");
        List<String> command = argv(root.get("command"), "command", true).orElseThrow();
        Map<String, String> env = env(root.get("env"));
        List<TaskInput> inputs = inputs(root.get("inputs"), base);
        List<String> outputs = outputs(root.get("outputs"));
        Resources resources = resources(root.get("resources"));
        int members = integer(root, "members", 3, 1, org.ringfellow.api.fellowship.FellowshipSpec.MAX_SIZE);
        int slots = integer(root, "slotsPerMember", 1, 1, MAX_SLOTS);
        int deadline = integer(root, "deadlineSeconds", 600, 1, MAX_DEADLINE_SECONDS);
        long maxOutput = integer(root, "maxOutputBytes", 1 << 20, 1, MAX_OUTPUT_CAP);
        Replication replication = replication(root.get("replication"));
        Optional<Validator> validator = validator(root.get("validator"));
        Exclusion exclusion = exclusion(root.get("exclusion"));
        return new JobSpec(name, runtime, image, command, env, inputs, outputs, resources, members, slots, deadline,
                maxOutput, replication, validator, exclusion);
    }

    private static void known(JsonNode object, String prefix, Set<String> fields) throws JobFileException {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String field = names.next();
            if (!fields.contains(field)) {
                throw new JobFileException("unknown field " + prefix + field + " (known here: "
                        + String.join(", ", new java.util.TreeSet<>(fields)) + ")");
            }
        }
    }

    private static String text(JsonNode parent, String field, String fallback, Pattern pattern, String rule)
            throws JobFileException {
        JsonNode node = parent.get(field.substring(field.lastIndexOf('.') + 1));
        if (node == null || node.isNull()) {
            if (fallback == null) {
                throw new JobFileException(field + " is required");
            }
            return fallback;
        }
        if (!node.isTextual()) {
            throw new JobFileException(field + " must be a string, got " + kind(node));
        }
        String value = node.textValue();
        if (pattern != null && !pattern.matcher(value).matches()) {
            throw new JobFileException(field + " must be " + rule + ", got \"" + clip(value) + "\"");
        }
        return value;
    }

    private static int integer(JsonNode parent, String field, int fallback, int min, int max)
            throws JobFileException {
        return (int) integer(parent, field, (long) fallback, min, (long) max);
    }

    private static long integer(JsonNode parent, String field, long fallback, long min, long max)
            throws JobFileException {
        JsonNode node = parent.get(field.substring(field.lastIndexOf('.') + 1));
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new JobFileException(field + " must be a whole number " + min + ".." + max + ", got " + kind(node)
                    + " " + clip(node.toString()));
        }
        long value = node.longValue();
        if (value < min || value > max) {
            throw new JobFileException(field + " must be " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    private static Optional<List<String>> argv(JsonNode node, String field, boolean required)
            throws JobFileException {
        if (node == null || node.isNull()) {
            if (required) {
                throw new JobFileException(field + " is required (a list of arguments, the program first)");
            }
            return Optional.empty();
        }
        if (!node.isArray()) {
            throw new JobFileException(field + " must be a list of arguments, got " + kind(node));
        }
        if (node.isEmpty() || node.size() > MAX_ARGS) {
            throw new JobFileException(field + " must have 1.." + MAX_ARGS + " arguments, got " + node.size());
        }
        List<String> args = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode arg = node.get(i);
            if (!arg.isTextual()) {
                throw new JobFileException(field + "[" + i + "] must be a string, got " + kind(arg));
            }
            String value = arg.textValue();
            if (value.length() > MAX_ARG_CHARS || value.indexOf('\0') >= 0 || (i == 0 && value.isEmpty())) {
                throw new JobFileException(field + "[" + i + "] must be " + (i == 0 ? "1" : "0") + ".."
                        + MAX_ARG_CHARS + " characters without NUL, got " + value.length() + " characters");
            }
            args.add(value);
        }
        return Optional.of(args);
    }

    private static Map<String, String> env(JsonNode node) throws JobFileException {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new JobFileException("env must be a mapping of names to strings, got " + kind(node));
        }
        if (node.size() > MAX_ENV) {
            throw new JobFileException("env has " + node.size() + " variables, at most " + MAX_ENV);
        }
        Map<String, String> env = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            String key = entry.getKey();
            if (!ENV_KEY.matcher(key).matches()) {
                throw new JobFileException("env." + clip(key) + ": a name must be 1-64 characters of [A-Z0-9_], not "
                        + "starting with a digit");
            }
            if (!entry.getValue().isTextual()) {
                throw new JobFileException("env." + key + " must be a string, got " + kind(entry.getValue()));
            }
            String value = entry.getValue().textValue();
            if (value.length() > MAX_ARG_CHARS || value.indexOf('\0') >= 0) {
                throw new JobFileException("env." + key + " must be at most " + MAX_ARG_CHARS
                        + " characters without NUL");
            }
            env.put(key, value);
        }
        return env;
    }

    private static List<TaskInput> inputs(JsonNode node, Path base) throws JobFileException {
        if (node == null || node.isNull()) {
            throw new JobFileException("inputs is required: inputs.lines (a list of lines) or inputs.files");
        }
        if (!node.isObject()) {
            throw new JobFileException("inputs must be a mapping with lines or files, got " + kind(node));
        }
        known(node, "inputs.", Set.of("lines", "files"));
        JsonNode lines = node.get("lines");
        JsonNode files = node.get("files");
        if ((lines == null) == (files == null)) {
            throw new JobFileException("inputs must have exactly one of inputs.lines and inputs.files");
        }
        String field = lines != null ? "inputs.lines" : "inputs.files";
        JsonNode list = lines != null ? lines : files;
        if (!list.isArray()) {
            throw new JobFileException(field + " must be a list, got " + kind(list));
        }
        if (list.isEmpty() || list.size() > MAX_TASKS) {
            throw new JobFileException(field + " must have 1.." + MAX_TASKS + " entries (one task each), got "
                    + list.size());
        }
        List<TaskInput> inputs = new ArrayList<>(list.size());
        Path realBase = null;
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            String where = field + "[" + i + "]";
            if (!entry.isTextual()) {
                throw new JobFileException(where + " must be a string, got " + kind(entry));
            }
            String value = entry.textValue();
            if (lines != null) {
                if (value.length() > MAX_LINE_CHARS || value.indexOf('\0') >= 0 || value.indexOf('\n') >= 0
                        || value.indexOf('\r') >= 0) {
                    throw new JobFileException(where + " must be one line of at most " + MAX_LINE_CHARS
                            + " characters (no NUL, CR or LF)");
                }
                inputs.add(TaskInput.ofLine(i, value));
            } else {
                if (base == null) {
                    throw new JobFileException(where + ": input files need the job file's directory");
                }
                if (realBase == null) {
                    realBase = realPath(base, "the job file's directory");
                }
                Path input = inputFile(realBase, value, where);
                inputs.add(TaskInput.ofFile(i, input, digest(input, where)));
            }
        }
        return inputs;
    }

    private static Path inputFile(Path realBase, String value, String where) throws JobFileException {
        if (value.isEmpty() || value.length() > 1024 || value.indexOf('\0') >= 0) {
            throw new JobFileException(where + " must be a path of 1..1024 characters");
        }
        Path relative = Path.of(value);
        if (relative.isAbsolute()) {
            throw new JobFileException(where + " must be relative to the job file's directory, got " + clip(value));
        }
        for (Path part : relative) {
            if (part.toString().equals("..")) {
                throw new JobFileException(where + " must not contain '..', got " + clip(value));
            }
        }
        Path file = realBase.resolve(relative).normalize();
        if (!Files.isRegularFile(file)) {
            throw new JobFileException(where + ": no such regular file " + file);
        }
        Path real = realPath(file, where);
        if (!real.startsWith(realBase)) {
            throw new JobFileException(where + " leads out of the job file's directory (" + real + ")");
        }
        return real;
    }

    private static Path realPath(Path path, String what) throws JobFileException {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new JobFileException(what + ": cannot resolve " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * SHA-256 of an input file, read with its size bounded.
     *
     * @param file the file
     * @param where the field, for the message
     * @return the digest in hex
     * @throws JobFileException if it cannot be read or is over {@link #MAX_INPUT_FILE_BYTES}
     */
    static String digest(Path file, String where) throws JobFileException {
        try {
            long size = Files.size(file);
            if (size > MAX_INPUT_FILE_BYTES || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new JobFileException(where + ": " + file + " is " + size + " bytes, over the "
                        + MAX_INPUT_FILE_BYTES + " byte limit for an input file");
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[64 << 10];
                long total = 0;
                for (int n; (n = in.read(buffer)) > 0;) {
                    total += n;
                    if (total > MAX_INPUT_FILE_BYTES) {
                        throw new JobFileException(where + ": " + file + " grew over the " + MAX_INPUT_FILE_BYTES
                                + " byte limit while being read");
                    }
                    sha.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new JobFileException(where + ": cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static List<String> outputs(JsonNode node) throws JobFileException {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new JobFileException("outputs must be a list of file names, got " + kind(node));
        }
        if (node.size() > MAX_OUTPUTS) {
            throw new JobFileException("outputs has " + node.size() + " files, at most " + MAX_OUTPUTS);
        }
        Set<String> outputs = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode entry = node.get(i);
            if (!entry.isTextual() || !OUTPUT.matcher(entry.textValue()).matches()) {
                throw new JobFileException("outputs[" + i + "] must be a file name of 1-64 characters of "
                        + "[A-Za-z0-9._-] (no directories), got " + clip(entry.toString()));
            }
            if (!outputs.add(entry.textValue())) {
                throw new JobFileException("outputs[" + i + "]: " + entry.textValue() + " is declared twice");
            }
        }
        return List.copyOf(outputs);
    }

    private static Resources resources(JsonNode node) throws JobFileException {
        long cpus = 1000;
        long memory = 256L << 20;
        long disk = 256L << 20;
        if (node != null && !node.isNull()) {
            if (!node.isObject()) {
                throw new JobFileException("resources must be a mapping of cpus, memory, disk, got " + kind(node));
            }
            known(node, "resources.", Set.of("cpus", "memory", "disk"));
            if (node.has("cpus")) {
                cpus = milliCpus(node.get("cpus"));
            }
            if (node.has("memory")) {
                memory = bytes(node.get("memory"), "resources.memory");
            }
            if (node.has("disk")) {
                disk = bytes(node.get("disk"), "resources.disk");
            }
        }
        return new Resources(cpus, memory, disk);
    }

    private static long milliCpus(JsonNode node) throws JobFileException {
        String text = node.isNumber() || node.isTextual() ? node.asText().strip() : "";
        var matcher = CPUS.matcher(text);
        long milli = -1;
        if (matcher.matches()) {
            if (matcher.group(1) != null) {
                milli = Long.parseLong(matcher.group(1));
            } else {
                String fraction = matcher.group(3) == null ? "" : matcher.group(3).substring(1);
                milli = Long.parseLong(matcher.group(2)) * 1000
                        + (fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00").substring(0, 3)));
            }
        }
        if (milli < 1 || milli > MAX_MILLI_CPUS) {
            throw new JobFileException("resources.cpus must be a number of CPUs (0.001..256, e.g. 0.5) or "
                    + "milli-CPUs (e.g. 500m), got " + clip(node.toString()));
        }
        return milli;
    }

    private static long bytes(JsonNode node, String field) throws JobFileException {
        String text = node.isIntegralNumber() || node.isTextual() ? node.asText().strip().toLowerCase(Locale.ROOT) : "";
        var matcher = SIZE.matcher(text);
        long value = -1;
        if (matcher.matches()) {
            int shift = switch (matcher.group(2)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            long number = Long.parseLong(matcher.group(1));
            value = number > (MAX_BYTES >> shift) ? Long.MAX_VALUE : number << shift;
        }
        if (value < 1 || value > MAX_BYTES) {
            throw new JobFileException(field + " must be a size of 1 byte to 1t (bytes, or with k, m, g, t), got "
                    + clip(node.toString()));
        }
        return value;
    }

    private static Replication replication(JsonNode node) throws JobFileException {
        if (node == null || node.isNull()) {
            return Replication.DEFAULT;
        }
        if (!node.isObject()) {
            throw new JobFileException("replication must be a mapping, got " + kind(node));
        }
        known(node, "replication.", Set.of("minQuorum", "targetResults", "maxErrorResults", "maxTotalResults",
                "adaptive"));
        int quorum = integer(node, "replication.minQuorum", Replication.DEFAULT.minQuorum(), 1, Replication.MAX_QUORUM);
        int target = integer(node, "replication.targetResults", quorum, 1, Replication.MAX_TARGET);
        int errors = integer(node, "replication.maxErrorResults", Replication.DEFAULT.maxErrorResults(), 0,
                Replication.MAX_ERRORS);
        int total = integer(node, "replication.maxTotalResults", Math.min(Replication.MAX_TOTAL, 2 * target + 2), 1,
                Replication.MAX_TOTAL);
        JsonNode adaptive = node.get("adaptive");
        if (adaptive != null && !adaptive.isBoolean()) {
            throw new JobFileException("replication.adaptive must be true or false, got " + kind(adaptive));
        }
        try {
            return new Replication(quorum, target, errors, total, adaptive != null && adaptive.booleanValue());
        } catch (IllegalArgumentException e) {
            throw new JobFileException(e.getMessage(), e);
        }
    }

    private static Optional<Validator> validator(JsonNode node) throws JobFileException {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw new JobFileException("validator must be a mapping with a command, got " + kind(node));
        }
        known(node, "validator.", Set.of("command", "timeoutSeconds"));
        List<String> command = argv(node.get("command"), "validator.command", true).orElseThrow();
        int timeout = integer(node, "validator.timeoutSeconds", Validator.DEFAULT_TIMEOUT_SECONDS, 1,
                Validator.MAX_TIMEOUT_SECONDS);
        return Optional.of(new Validator(command, timeout));
    }

    private static Exclusion exclusion(JsonNode node) throws JobFileException {
        if (node == null || node.isNull()) {
            return Exclusion.DEFAULT;
        }
        if (!node.isObject()) {
            throw new JobFileException("exclusion must be a mapping, got " + kind(node));
        }
        known(node, "exclusion.", Set.of("minInvalid", "maxInvalidFraction"));
        int minInvalid = integer(node, "exclusion.minInvalid", Exclusion.DEFAULT.minInvalid(), 1, Exclusion.MAX_MIN_INVALID);
        double fraction = Exclusion.DEFAULT.maxInvalidFraction();
        JsonNode share = node.get("maxInvalidFraction");
        if (share != null && !share.isNull()) {
            if (!share.isNumber() || share.doubleValue() < 0 || share.doubleValue() > 1) {
                throw new JobFileException("exclusion.maxInvalidFraction must be a number 0..1, got "
                        + clip(share.toString()));
            }
            fraction = share.doubleValue();
        }
        return new Exclusion(minInvalid, fraction);
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "a mapping";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    }

    private static String clip(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
