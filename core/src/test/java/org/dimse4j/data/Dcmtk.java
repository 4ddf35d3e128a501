package org.dimse4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs DCMTK tools as processes for the data package tests, and reads {@code dcmdump} output back as lines. A
 * missing tool skips the test, unless CI=true, where it fails.
 */
final class Dcmtk
{
    /** One element as dcmdump prints it, or as our reader walks it. */
    record Line(int depth, int tag, String vr, String value, int length)
    {
        @Override
        public String toString()
        {
            return "  ".repeat(depth) + DataSetException.tagString(tag) + " " + vr + " [" + value + "] #" + length;
        }
    }

    /** Lines of the meta header and the data set. */
    record Dump(List<Line> meta, List<Line> dataSet, String text)
    {
    }

    private static final Pattern LINE = Pattern.compile(
        "^( *)\\(([0-9a-f]{4}),([0-9a-f]{4})\\) ([A-Za-z?]{2}) (.*?)\\s*#\\s*(u/l|\\d+),\\s*(\\d+) (.*)$");

    private Dcmtk()
    {
    }

    static String require(final String tool)
    {
        final String path = System.getenv("PATH");
        for (final String dir : (null == path ? "/usr/bin" : path + File.pathSeparator + "/usr/bin")
            .split(File.pathSeparator))
        {
            final File candidate = new File(dir, tool);
            if (candidate.canExecute())
            {
                return candidate.getAbsolutePath();
            }
        }
        if ("true".equals(System.getenv("CI")))
        {
            fail(tool + " (DCMTK) is required when CI=true but was not found on PATH");
        }
        Assumptions.abort(tool + " (DCMTK) not found on PATH; skipping");
        return null;
    }

    static String run(final Path dir, final String... command) throws IOException, InterruptedException
    {
        command[0] = require(command[0]);
        final Path out = Files.createTempFile(dir, "out", ".txt");
        final Path err = Files.createTempFile(dir, "err", ".txt");
        final Process process = new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " timed out");
        final String stdout = Files.readString(out, StandardCharsets.ISO_8859_1);
        final String stderr = Files.readString(err, StandardCharsets.ISO_8859_1);
        assertEquals(0, process.exitValue(), String.join(" ", command) + "\n" + stderr + stdout);
        // dcmdump warns when it reads an implicit VR element of unknown tag and undefined length as a sequence
        final String complaints = stderr.replaceAll("(?m)^W: Found element \\(\\w{4},\\w{4}\\) with VR UN and " +
            "undefined length, reading a sequence with transfer syntax LittleEndianImplicit \\(CP-246\\)$", "");
        assertEquals("", complaints.trim(), String.join(" ", command) + " complained");
        return stdout;
    }

    /** dump2dcm with options, from dump text, to {@code out}. */
    static Path dump2dcm(final Path dir, final String dump, final String name, final String... options)
        throws IOException, InterruptedException
    {
        final Path in = dir.resolve(name + ".txt");
        Files.writeString(in, dump, StandardCharsets.ISO_8859_1);
        final List<String> command = new ArrayList<>(List.of("dump2dcm"));
        command.addAll(List.of(options));
        command.add(in.toString());
        final Path out = dir.resolve(name + ".dcm");
        command.add(out.toString());
        run(dir, command.toArray(new String[0]));
        return out;
    }

    /** dcmdump with UIDs as numbers and values in full; delimiters (ours or DCMTK's re-encoding ones) dropped. */
    static Dump dcmdump(final Path file) throws IOException, InterruptedException
    {
        final String text = run(file.getParent(), "dcmdump", "-Un", "+L", file.toString());
        final List<Line> meta = new ArrayList<>();
        final List<Line> dataSet = new ArrayList<>();
        for (final String line : text.split("\n"))
        {
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), "unexpected dcmdump line: " + line);
            final int tag = Integer.parseInt(m.group(2), 16) << 16 | Integer.parseInt(m.group(3), 16);
            if (tag == DataSetReader.ITEM_DELIMITATION || tag == DataSetReader.SEQUENCE_DELIMITATION)
            {
                continue;
            }
            final String printed = m.group(5);
            final String value = printed.startsWith("[") && printed.endsWith("]") ?
                printed.substring(1, printed.length() - 1) : printed;
            final int length = "u/l".equals(m.group(6)) ? -1 : Integer.parseInt(m.group(6));
            final Line l = new Line(m.group(1).length() / 2, tag, m.group(4), value, length);
            (tag >>> 16 == 2 && l.depth() == 0 && dataSet.isEmpty() ? meta : dataSet).add(l);
        }
        return new Dump(meta, dataSet, text);
    }

    /** Walks every element, entering sequences, items and pixel data fragments, as dcmdump prints them. */
    static List<Line> walk(final DataSetReader reader)
    {
        final List<Line> lines = new ArrayList<>();
        walkLevel(reader, lines);
        return lines;
    }

    private static void walkLevel(final DataSetReader reader, final List<Line> lines)
    {
        while (reader.next())
        {
            final int vr = reader.vr();
            final int depth = reader.depth();
            lines.add(new Line(depth, reader.tag(), ValueRepresentation.name(vr), valueOf(reader),
                reader.valueLength()));
            final boolean enter = vr == ValueRepresentation.SQ ||
                (vr == ValueRepresentation.UN && reader.valueLength() == DataSetReader.UNDEFINED_LENGTH) ||
                (reader.tag() == DataSetReader.PIXEL_DATA && reader.valueLength() == DataSetReader.UNDEFINED_LENGTH);
            if (enter)
            {
                reader.enterSequence();
                final boolean items = vr == ValueRepresentation.SQ || vr == ValueRepresentation.UN;
                while (reader.nextItem())
                {
                    lines.add(new Line(items ? reader.depth() - 1 : reader.depth(), reader.tag(), "na", null,
                        reader.valueLength()));
                    if (items)
                    {
                        walkLevel(reader, lines);
                    }
                }
                reader.exitSequence();
            }
        }
    }

    private static String valueOf(final DataSetReader reader)
    {
        if (reader.valueLength() == DataSetReader.UNDEFINED_LENGTH)
        {
            return null;
        }
        final int vr = reader.vr();
        if (vr == ValueRepresentation.US)
        {
            return reader.valueLength() == 0 ? "" : String.valueOf(reader.us());
        }
        if (vr == ValueRepresentation.UL)
        {
            return reader.valueLength() == 0 ? "" : String.valueOf(reader.ul());
        }
        return isText(ValueRepresentation.name(vr)) ? reader.string() : null;
    }

    static boolean isText(final String vr)
    {
        return null != vr && "AE AS CS DA DS DT IS LO LT PN SH ST TM UC UI UR UT".contains(vr);
    }
}
