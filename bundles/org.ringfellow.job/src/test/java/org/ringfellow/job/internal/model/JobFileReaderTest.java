package org.ringfellow.job.internal.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ringfellow.api.node.Resources;

class JobFileReaderTest {

    private final JobFileReader reader = new JobFileReader();

    @TempDir
    Path dir;

    private static final String YAML = """
            name: primes
            image: base
            command: [sh, -c, 'read n; echo $((n*n))']
            env: {MODE: fast}
            inputs:
              lines: ["1", "2", "3"]
            outputs: [out.txt]
            resources: {cpus: 500m, memory: 128m, disk: 1g}
            members: 4
            slotsPerMember: 2
            deadlineSeconds: 30
            maxOutputBytes: 4096
            replication: {minQuorum: 2, targetResults: 3, maxErrorResults: 1, maxTotalResults: 5, adaptive: true}
            validator: {command: [cmp, a, b], timeoutSeconds: 20}
            exclusion: {minInvalid: 3, maxInvalidFraction: 0.25}
            """;

    private static final String JSON = """
            {"name": "primes", "image": "base", "command": ["sh", "-c", "read n; echo $((n*n))"],
             "env": {"MODE": "fast"}, "inputs": {"lines": ["1", "2", "3"]}, "outputs": ["out.txt"],
             "resources": {"cpus": 0.5, "memory": "128m", "disk": "1g"}, "members": 4, "slotsPerMember": 2,
             "deadlineSeconds": 30, "maxOutputBytes": 4096,
             "replication": {"minQuorum": 2, "targetResults": 3, "maxErrorResults": 1, "maxTotalResults": 5,
                             "adaptive": true},
             "validator": {"command": ["cmp", "a", "b"], "timeoutSeconds": 20},
             "exclusion": {"minInvalid": 3, "maxInvalidFraction": 0.25}}
            """;

    @Test
    void yamlAndJsonGiveTheSameJob() throws Exception {
        JobSpec fromYaml = write("job.yaml", YAML);
        JobSpec fromJson = write("job.json", JSON);
        assertEquals(fromYaml, fromJson);
        assertEquals("primes", fromYaml.name());
        assertEquals("command", fromYaml.runtime());
        assertEquals(List.of("sh", "-c", "read n; echo $((n*n))"), fromYaml.command());
        assertEquals(Map.of("MODE", "fast"), fromYaml.env());
        assertEquals(List.of(TaskInput.ofLine(0, "1"), TaskInput.ofLine(1, "2"), TaskInput.ofLine(2, "3")),
                fromYaml.inputs());
        assertEquals(List.of("out.txt"), fromYaml.outputs());
        assertEquals(new Resources(500, 128L << 20, 1L << 30), fromYaml.resources());
        assertEquals(4, fromYaml.members());
        assertEquals(2, fromYaml.slotsPerMember());
        assertEquals(30, fromYaml.deadlineSeconds());
        assertEquals(4096, fromYaml.maxOutputBytes());
        assertEquals(new Replication(2, 3, 1, 5, true), fromYaml.replication());
        assertEquals(Optional.of(new Validator(List.of("cmp", "a", "b"), 20)), fromYaml.validator());
        assertEquals(new Exclusion(3, 0.25), fromYaml.exclusion());
    }

    @Test
    void theFormatIsToldByTheFirstCharacterWithoutAnExtension() throws Exception {
        assertEquals(write("job", YAML), write("job2", JSON));
    }

    @Test
    void defaultsFillWhatIsLeftOut() throws Exception {
        JobSpec job = write("job.yml", "name: a\nimage: base\ncommand: [cat]\ninputs: {lines: [x]}\n");
        assertEquals(Replication.DEFAULT, job.replication());
        assertEquals(Exclusion.DEFAULT, job.exclusion());
        assertEquals(3, job.members());
        assertEquals(1, job.slotsPerMember());
        assertEquals(600, job.deadlineSeconds());
        assertEquals(1 << 20, job.maxOutputBytes());
        assertEquals(new Resources(1000, 256L << 20, 256L << 20), job.resources());
        assertEquals(List.of(), job.outputs());
        assertEquals(Optional.empty(), job.validator());
        JobSpec validated = write("jobv.yml", "name: a\nimage: base\ncommand: [cat]\ninputs: {lines: [x]}\n"
                + "validator: {command: [cmp, a/stdout, b/stdout]}\n");
        assertEquals(Optional.of(new Validator(List.of("cmp", "a/stdout", "b/stdout"),
                Validator.DEFAULT_TIMEOUT_SECONDS)), validated.validator());
        // targetResults follows minQuorum, maxTotalResults follows targetResults
        JobSpec three = write("job3.yml", "name: a\nimage: base\ncommand: [cat]\ninputs: {lines: [x]}\n"
                + "replication: {minQuorum: 3}\n");
        assertEquals(new Replication(3, 3, 3, 8, false), three.replication());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing name            | image: base\\ncommand: [cat]\\ninputs: {lines: [x]}           | name is required
            bad name                | name: Bad_Name\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]} | name must be
            name not a string       | name: [a]\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]} | name must be a string, got a list
            other runtime           | name: a\\nruntime: bundle\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]} | runtime: only "command"
            missing image           | name: a\\ncommand: [cat]\\ninputs: {lines: [x]}               | image is required
            bad image               | name: a\\nimage: ../etc\\ncommand: [cat]\\ninputs: {lines: [x]} | image must be
            missing command         | name: a\\nimage: base\\ninputs: {lines: [x]}                  | command is required
            command a string        | name: a\\nimage: base\\ncommand: cat\\ninputs: {lines: [x]}   | command must be a list
            empty command           | name: a\\nimage: base\\ncommand: []\\ninputs: {lines: [x]}    | command must have 1..64
            command with a number   | name: a\\nimage: base\\ncommand: [cat, 3]\\ninputs: {lines: [x]} | command[1] must be a string
            unknown field           | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nreplicas: 2 | unknown field replicas
            unknown nested field    | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nreplication: {quorum: 2} | unknown field replication.quorum
            no inputs               | name: a\\nimage: base\\ncommand: [cat]                          | inputs is required
            both inputs             | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x], files: [y]} | exactly one of inputs.lines and inputs.files
            empty lines             | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: []}  | inputs.lines must have 1..100000
            line not a string       | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x, {a: 1}]} | inputs.lines[1] must be a string
            output with a slash     | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\noutputs: [a/b] | outputs[0] must be a file name
            output twice            | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\noutputs: [a, a] | outputs[1]: a is declared twice
            members zero            | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nmembers: 0 | members must be 1..256, got 0
            members fraction        | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nmembers: 2.5 | members must be a whole number
            members under quorum    | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nmembers: 1 | members (1) must be at least replication.minQuorum (2)
            deadline too long       | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\ndeadlineSeconds: 86401 | deadlineSeconds must be 1..86400
            output cap too big      | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nmaxOutputBytes: 1000000000 | maxOutputBytes must be 1..67108864
            quorum zero             | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nreplication: {minQuorum: 0} | replication.minQuorum must be 1..16
            target under quorum     | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nreplication: {minQuorum: 2, targetResults: 1} | replication.targetResults must be minQuorum (2)
            total under target      | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nreplication: {targetResults: 3, maxTotalResults: 2} | replication.maxTotalResults must be targetResults (3)
            adaptive not boolean    | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nreplication: {adaptive: yes please} | replication.adaptive must be true or false
            bad cpus                | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nresources: {cpus: lots} | resources.cpus must be
            bad memory              | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nresources: {memory: 12q} | resources.memory must be a size
            memory over 1t          | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nresources: {memory: 2t} | resources.memory must be a size
            env lower case          | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nenv: {path: x} | env.path: a name must be
            validator without cmd   | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nvalidator: {} | validator.command is required
            validator timeout zero  | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nvalidator: {command: [cmp], timeoutSeconds: 0} | validator.timeoutSeconds must be 1..3600, got 0
            validator timeout long  | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nvalidator: {command: [cmp], timeoutSeconds: 3601} | validator.timeoutSeconds must be 1..3600, got 3601
            validator unknown field | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nvalidator: {command: [cmp], shell: yes} | validator.shell
            validator not a list    | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nvalidator: {command: cmp} | validator.command
            fraction over one       | name: a\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]}\\nexclusion: {maxInvalidFraction: 1.5} | exclusion.maxInvalidFraction must be a number 0..1
            not a mapping           | [1, 2, 3]                                                      | must hold an object
            duplicate key           | name: a\\nname: b\\nimage: base\\ncommand: [cat]\\ninputs: {lines: [x]} | not valid YAML
            broken yaml             | name: [a\\nimage: base                                       | not valid YAML
            """)
    void malformedFilesAreRefusedNamingTheField(String what, String text, String expected) {
        byte[] bytes = text.replace("\\n", "\n").getBytes(StandardCharsets.UTF_8);
        JobFileException e = assertThrows(JobFileException.class, () -> reader.parse(bytes, null, dir));
        assertTrue(e.getMessage().contains(expected), what + ": got \"" + e.getMessage() + "\"");
    }

    @Test
    void anInputLineMustBeOneLine() {
        byte[] bytes = "name: a\nimage: base\ncommand: [cat]\ninputs: {lines: [ok, \"a\\nb\"]}\n"
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(JobFileException.class, () -> reader.parse(bytes, true, dir)).getMessage()
                .startsWith("inputs.lines[1] must be one line"));
    }

    @Test
    void brokenJsonAndDuplicateJsonKeysAreRefused() {
        byte[] broken = "{\"name\": \"a\",".getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(JobFileException.class, () -> reader.parse(broken, false, dir)).getMessage()
                .startsWith("job file is not valid JSON"));
        byte[] twice = "{\"name\": \"a\", \"name\": \"b\"}".getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(JobFileException.class, () -> reader.parse(twice, false, dir)).getMessage()
                .contains("Duplicate field 'name'"));
    }

    @Test
    void aYamlAliasBombIsRefused() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char p = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(p).append(", *").append(p).append(", *")
                    .append(p).append("]\n");
        }
        byte[] bytes = bomb.toString().getBytes(StandardCharsets.UTF_8);
        String message = assertThrows(JobFileException.class, () -> reader.parse(bytes, true, dir)).getMessage();
        assertTrue(message.startsWith("YAML anchors and aliases (& and *) are not accepted"), message);
        // an alias would otherwise be read as its own name: image "n" here
        byte[] alias = "name: &n foo\nimage: *n\ncommand: [cat]\ninputs: {lines: [x]}\n".getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(JobFileException.class, () -> reader.parse(alias, true, dir)).getMessage()
                .contains("are not accepted"));
    }

    @Test
    void aFileOverTheLimitIsRefusedBeforeItIsParsed() throws Exception {
        Path big = dir.resolve("big.yaml");
        Files.write(big, new byte[JobFileReader.MAX_FILE_BYTES + 1]);
        assertTrue(assertThrows(JobFileException.class, () -> reader.read(big)).getMessage()
                .contains("over the " + JobFileReader.MAX_FILE_BYTES + " byte limit"));
        assertTrue(assertThrows(JobFileException.class, () -> reader.read(dir.resolve("absent.yaml")))
                .getMessage().contains("is not a regular file"));
    }

    @Test
    void inputFilesAreResolvedNextToTheJobFileAndDigested() throws Exception {
        Files.createDirectories(dir.resolve("in"));
        Files.writeString(dir.resolve("in/a.txt"), "alpha");
        Files.writeString(dir.resolve("in/b.txt"), "beta");
        JobSpec job = write("files.yaml", "name: f\nimage: base\ncommand: [wc, -c]\n"
                + "inputs: {files: [in/a.txt, in/b.txt]}\n");
        assertEquals(2, job.inputs().size());
        TaskInput a = job.inputs().get(0);
        assertEquals(dir.resolve("in/a.txt").toRealPath(), a.file().orElseThrow());
        // SHA-256("alpha")
        assertEquals("8ed3f6ad685b959ead7022518e1af76cd816f8e8ec7ccdda1ed4018e8f2223f8", a.sha256().orElseThrow());
        assertFalse(a.line().isPresent());
    }

    @Test
    void inputFilesMayNotLeaveTheJobFilesDirectory() throws Exception {
        Path jobs = Files.createDirectories(dir.resolve("jobs"));
        Files.writeString(dir.resolve("secret"), "s");
        Files.createSymbolicLink(jobs.resolve("link"), dir.resolve("secret"));
        String head = "name: f\nimage: base\ncommand: [cat]\n";
        assertRefused(jobs, head + "inputs: {files: [../secret]}\n", "inputs.files[0] must not contain '..'");
        assertRefused(jobs, head + "inputs: {files: [/etc/passwd]}\n", "inputs.files[0] must be relative");
        assertRefused(jobs, head + "inputs: {files: [link]}\n", "inputs.files[0] leads out of the job file's");
        assertRefused(jobs, head + "inputs: {files: [nothing]}\n", "inputs.files[0]: no such regular file");
    }

    private void assertRefused(Path where, String text, String expected) throws Exception {
        Path file = where.resolve("job.yaml");
        Files.writeString(file, text);
        JobFileException e = assertThrows(JobFileException.class, () -> reader.read(file));
        assertTrue(e.getMessage().contains(expected), "got \"" + e.getMessage() + "\"");
    }

    private JobSpec write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return reader.read(file);
    }
}
