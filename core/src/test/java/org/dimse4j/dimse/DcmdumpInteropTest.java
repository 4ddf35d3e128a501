package org.dimse4j.dimse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Independent decoder check: DCMTK's {@code dcmdump} reads our encoded command sets as a raw Implicit VR Little
 * Endian data set ({@code -f -ti}: no meta header, implicit VR) and must print exactly the elements we put, with no
 * warnings. Skipped when dcmdump is absent, unless CI=true.
 */
class DcmdumpInteropTest
{
    private static final String DCMDUMP = "dcmdump";
    private static final Pattern LINE = Pattern.compile(
        "^\\(([0-9a-f]{4}),([0-9a-f]{4})\\) ([A-Z]{2}) (.*?)\\s+#\\s*(\\d+),\\s*(\\d+) (\\w+)$");

    @TempDir
    static Path tempDir;

    private static String executable;

    @BeforeAll
    static void findDcmdump()
    {
        executable = locate();
        if (null == executable)
        {
            if ("true".equals(System.getenv("CI")))
            {
                fail("dcmdump (DCMTK) is required when CI=true but was not found on PATH");
            }
            Assumptions.abort("dcmdump (DCMTK) not found on PATH; skipping interop check");
        }
    }

    private static String locate()
    {
        final String path = System.getenv("PATH");
        for (final String dir : (null == path ? "/usr/bin" : path + File.pathSeparator + "/usr/bin")
            .split(File.pathSeparator))
        {
            final File candidate = new File(dir, DCMDUMP);
            if (candidate.canExecute())
            {
                return candidate.getAbsolutePath();
            }
        }
        return null;
    }

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void shouldBeReadByDcmdump(final MessageType type) throws IOException, InterruptedException
    {
        final List<CommandFixtures.Field> fields = CommandFixtures.typical(type);
        final byte[] bytes = CommandFixtures.encode(fields);
        final Path file = tempDir.resolve(type.name() + ".dcm");
        Files.write(file, bytes);

        final Path out = tempDir.resolve(type.name() + ".out");
        final Path err = tempDir.resolve(type.name() + ".err");
        final Process process = new ProcessBuilder(executable, "-f", "-ti", "-Un", "+L", file.toString())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "dcmdump timed out");
        final String stderr = Files.readString(err, StandardCharsets.UTF_8);
        final String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), stderr + stdout);
        assertEquals("", stderr.trim(), "dcmdump complained");

        final Map<Integer, String[]> printed = new TreeMap<>();
        for (final String line : stdout.split("\n"))
        {
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final Matcher m = LINE.matcher(line.strip());
            assertTrue(m.matches(), "unexpected dcmdump line: " + line);
            final int tag = Integer.parseInt(m.group(1), 16) << 16 | Integer.parseInt(m.group(2), 16);
            printed.put(tag, new String[] {m.group(3), m.group(4), m.group(5), m.group(6)});
        }

        final String[] groupLength = printed.remove(CommandElement.COMMAND_GROUP_LENGTH);
        assertEquals("UL", groupLength[0]);
        assertEquals(String.valueOf(bytes.length - 12), groupLength[1]);

        assertEquals(fields.size(), printed.size(), "elements printed: " + stdout);
        for (final CommandFixtures.Field field : fields)
        {
            final String[] p = printed.get(field.tag());
            final String what = CommandElement.name(field.tag()) + " in\n" + stdout;
            assertTrue(null != p, what);
            final int vr = CommandElement.vr(field.tag());
            assertEquals(CommandElement.vrName(vr), p[0], what);
            assertEquals(expectedValue(vr, field.value()), p[1], what);
            assertEquals(expectedLength(vr, field.value()), Integer.parseInt(p[2]), what);
        }
    }

    private static String expectedValue(final int vr, final Object value)
    {
        switch (vr)
        {
            case CommandElement.VR_US:
                return String.valueOf(value);
            case CommandElement.VR_AT:
            {
                final StringBuilder sb = new StringBuilder();
                for (final int t : (int[])value)
                {
                    if (sb.length() > 0)
                    {
                        sb.append('\\');
                    }
                    sb.append(CommandElement.toString(t).toLowerCase());
                }
                return sb.toString();
            }
            default:
                return "[" + value + "]";
        }
    }

    private static int expectedLength(final int vr, final Object value)
    {
        switch (vr)
        {
            case CommandElement.VR_US:
                return 2;
            case CommandElement.VR_AT:
                return 4 * ((int[])value).length;
            default:
            {
                final int n = ((String)value).length();
                return n + (n & 1);
            }
        }
    }
}
