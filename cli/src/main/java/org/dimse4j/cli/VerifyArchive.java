package org.dimse4j.cli;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSetException;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.ValueRepresentation;
import org.dimse4j.pdu.PduStrings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code verify-archive DIR}: checks an archive directory written by our storage SCPs ({@code DirectoryStore}):
 * every file is a {@code <SOP Instance UID>.dcm} whose Part 10 head and whole data set parse (sequences and pixel
 * data fragments walked to the end), whose SOP Instance UID (meta group and data set) is its file name and whose
 * SOP Class UID agrees with the meta group; no temporary or partial file is left (nothing under {@code .incoming/},
 * no {@code *.part}); optionally DCMTK's dcmdump parses every file too and reads the same UID; optionally the
 * count of instances is what the senders were told was stored. The soak (scripts/soak.sh, SoakTest) ends with it.
 */
@Command(name = "verify-archive", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Checks every file of an archive directory: Part 10 head and whole data set parse, SOP Instance " +
        "UID (meta and data set) = file name, SOP Class UID agrees with the meta group; no temporary or partial " +
        "files left. Prints the counts; the last line is key=value pairs. Exit 0 only if every check passes.",
        "  verify-archive --expect 12000 --dcmdump dimse4j-data/archive"})
final class VerifyArchive implements Callable<Integer>
{
    /** Files handed to one dcmdump process. */
    static final int DCMDUMP_BATCH = 200;
    private static final String INCOMING = ".incoming";
    private static final String SUFFIX = ".dcm";
    private static final int SOP_CLASS_UID = 0x00080016;
    private static final int SOP_INSTANCE_UID = 0x00080018;
    private static final String DCMDUMP_HEADER = "# dcmdump (";
    private static final String DCMDUMP_UID_LINE = "(0008,0018) UI [";

    @Parameters(index = "0", paramLabel = "DIR", description = "The archive directory.")
    Path directory;

    @Option(names = {"--expect"}, paramLabel = "N",
        description = "The number of instance files there must be (e.g. the Success responses the senders got).")
    long expect = -1;

    @Option(names = {"--dcmdump"},
        description = "Also parse every file with DCMTK's dcmdump, which must read it without a message and find " +
            "the SOP Instance UID of its name.")
    boolean dcmdump;

    @Option(names = {"--dcmdump-program"}, paramLabel = "PATH",
        description = "The dcmdump to run with --dcmdump (default: ${DEFAULT-VALUE}, from PATH).")
    String dcmdumpProgram = "dcmdump";

    @Option(names = {"--max-problems"}, paramLabel = "N",
        description = "Problems printed one per line at most (all are counted; default: ${DEFAULT-VALUE}).")
    int maxProblems = 20;

    @Option(names = {"-q", "--quiet"}, description = "Print only problems and the last line.")
    boolean quiet;

    /**
     * What a verification found.
     *
     * @param instances  files named {@code *.dcm} outside {@code .incoming/}.
     * @param bytes      their total length.
     * @param verified   of which passed our checks.
     * @param dcmdumped  of which dcmdump read with the right UID (-1 when dcmdump was not run).
     * @param leftovers  temporary or partial files.
     * @param unexpected other files.
     * @param problems   the first problems, one line each.
     * @param problemCount all problems.
     */
    record Report(long instances, long bytes, long verified, long dcmdumped, long leftovers, long unexpected,
        List<String> problems, long problemCount)
    {
        /**
         * @param expect the instances there must be, -1 for any number.
         * @return whether every check passed.
         */
        boolean ok(final long expect)
        {
            return problemCount == 0 && verified == instances && (dcmdumped < 0 || dcmdumped == instances) &&
                leftovers == 0 && unexpected == 0 && (expect < 0 || instances == expect);
        }

        /** @return the last line: key=value pairs for scripts. */
        String line(final long expect)
        {
            return "verify-archive: instances=" + instances + " verified=" + verified + " dcmdump=" +
                (dcmdumped < 0 ? "-" : Long.toString(dcmdumped)) + " leftovers=" + leftovers + " unexpected=" +
                unexpected + " problems=" + problemCount + " expected=" + (expect < 0 ? "-" : Long.toString(expect)) +
                " bytes=" + bytes + " result=" + (ok(expect) ? "OK" : "FAILED");
        }
    }

    @Override
    public Integer call() throws Exception
    {
        if (!Files.isDirectory(directory))
        {
            System.err.println("verify-archive: not a directory: " + directory);
            return 2;
        }
        final Report report = verify(directory, dcmdump ? dcmdumpProgram : null, maxProblems);
        report.problems().forEach(p -> System.out.println("problem: " + p));
        if (report.problemCount() > report.problems().size())
        {
            System.out.println("... and " + (report.problemCount() - report.problems().size()) + " more problems");
        }
        if (!quiet)
        {
            System.out.printf("%d instance files (%.1f MB) under %s; %d verified by dimse4j (head, whole data set, " +
                "UIDs)%s%n", report.instances(), report.bytes() / 1e6, directory, report.verified(),
                report.dcmdumped() < 0 ? "" : ", " + report.dcmdumped() + " by dcmdump");
            System.out.printf("leftover temporary/partial files: %d; unexpected files: %d%n", report.leftovers(),
                report.unexpected());
            if (expect >= 0 && report.instances() != expect)
            {
                System.out.printf("expected %d instance files, found %d (%+d)%n", expect, report.instances(),
                    report.instances() - expect);
            }
        }
        System.out.println(report.line(expect));
        return report.ok(expect) ? 0 : 1;
    }

    /**
     * Verifies an archive directory.
     *
     * @param root        the archive directory.
     * @param dcmdump     the dcmdump program to run over every file too, or null.
     * @param maxProblems problems kept as lines.
     * @return what was found.
     * @throws IOException if the directory cannot be walked or dcmdump cannot be run.
     */
    static Report verify(final Path root, final String dcmdump, final int maxProblems) throws IOException
    {
        final List<Path> files;
        try (Stream<Path> walk = Files.walk(root))
        {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        final List<String> problems = new ArrayList<>();
        final long[] problemCount = {0};
        final java.util.function.Consumer<String> problem = p ->
        {
            if (problems.size() < maxProblems)
            {
                problems.add(p);
            }
            problemCount[0]++;
        };
        final List<Path> instances = new ArrayList<>();
        long bytes = 0;
        long verified = 0;
        long leftovers = 0;
        long unexpected = 0;
        final DataSetReader reader = new DataSetReader();
        for (final Path file : files)
        {
            final Path relative = root.relativize(file);
            final String name = file.getFileName().toString();
            if (relative.startsWith(INCOMING) || name.endsWith(".part"))
            {
                leftovers++;
                problem.accept(relative + ": temporary or partial file left behind");
                continue;
            }
            if (!name.endsWith(SUFFIX))
            {
                unexpected++;
                problem.accept(relative + ": not an instance file (*" + SUFFIX + ")");
                continue;
            }
            instances.add(file);
            bytes += Files.size(file);
            final String why = check(file, name.substring(0, name.length() - SUFFIX.length()), reader);
            if (why == null)
            {
                verified++;
            }
            else
            {
                problem.accept(relative + ": " + why);
            }
        }
        long dcmdumped = -1;
        if (dcmdump != null)
        {
            dcmdumped = 0;
            for (int i = 0; i < instances.size(); i += DCMDUMP_BATCH)
            {
                dcmdumped += dcmdump(dcmdump, root, instances.subList(i, Math.min(instances.size(), i + DCMDUMP_BATCH)),
                    problem);
            }
        }
        return new Report(instances.size(), bytes, verified, dcmdumped, leftovers, unexpected, problems,
            problemCount[0]);
    }

    /**
     * Our own check of one instance file.
     *
     * @return null if it passes, else why not.
     */
    static String check(final Path file, final String uid, final DataSetReader reader)
    {
        if (!PduStrings.isValidUid(uid))
        {
            return "file name is not <SOP Instance UID>" + SUFFIX;
        }
        final Part10Info info;
        try
        {
            info = Part10Reader.read(file);
        }
        catch (final IOException | DataSetException ex)
        {
            return "Part 10 head does not parse: " + ex.getMessage();
        }
        if (!uid.equals(info.mediaStorageSopInstanceUid()))
        {
            return "Media Storage SOP Instance UID " + info.mediaStorageSopInstanceUid() + " is not the file name";
        }
        final int encoding = info.encoding();
        if (encoding == DataSetReader.DEFLATED)
        {
            return "deflated data set: not parsed";
        }
        if (info.dataSetLength() > Integer.MAX_VALUE)
        {
            return "data set of " + info.dataSetLength() + " bytes: larger than this check reads";
        }
        final String[] uids = new String[2];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final int length = (int)info.dataSetLength();
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, info.dataSetOffset(), length);
            try
            {
                reader.wrap(new UnsafeBuffer(mapped), 0, length, encoding);
                walk(reader, uids);
            }
            finally
            {
                IoUtil.unmap(mapped);
            }
        }
        catch (final IOException | DataSetException ex)
        {
            return "data set does not parse: " + ex.getMessage();
        }
        if (!uid.equals(uids[1]))
        {
            return "data set SOP Instance UID " + uids[1] + " is not the file name";
        }
        if (uids[0] == null || !uids[0].equals(info.mediaStorageSopClassUid()))
        {
            return "data set SOP Class UID " + uids[0] + " differs from the meta group's " +
                info.mediaStorageSopClassUid();
        }
        return null;
    }

    /** Walks every element of the current level to its end, entering sequences and pixel data fragments. */
    private static void walk(final DataSetReader reader, final String[] uids)
    {
        while (reader.next())
        {
            final int tag = reader.tag();
            final int vr = reader.vr();
            final boolean undefined = reader.valueLength() == DataSetReader.UNDEFINED_LENGTH;
            if (reader.depth() == 0 && (tag == SOP_CLASS_UID || tag == SOP_INSTANCE_UID))
            {
                uids[tag == SOP_CLASS_UID ? 0 : 1] = reader.string();
            }
            if (vr == ValueRepresentation.SQ || undefined && vr == ValueRepresentation.UN)
            {
                reader.enterSequence();
                while (reader.nextItem())
                {
                    walk(reader, uids);
                }
                reader.exitSequence();
            }
            else if (undefined && tag == DataSetReader.PIXEL_DATA)
            {
                reader.enterSequence();
                while (reader.nextItem())
                {
                    // fragments: nextItem() checks each one's length against the bytes present
                }
                reader.exitSequence();
            }
        }
    }

    /**
     * Runs dcmdump over a batch, asking only for each file's SOP Instance UID (it still parses the whole file).
     *
     * @return how many files it read with the UID of their name.
     */
    private static long dcmdump(final String program, final Path root, final List<Path> batch,
        final java.util.function.Consumer<String> problem) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of(program, "+F", "+P", "0008,0018"));
        batch.forEach(p -> command.add(p.toString()));
        final Path errors = Files.createTempFile("dimse4j-dcmdump-", ".err");
        try
        {
            final Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            process.getOutputStream().close();
            final Map<String, String> uidOf = new HashMap<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                String current = null;
                String line;
                while ((line = out.readLine()) != null)
                {
                    if (line.startsWith(DCMDUMP_HEADER))
                    {
                        final int colon = line.indexOf("): ");
                        current = colon < 0 ? null : line.substring(colon + 3);
                    }
                    else if (current != null && line.startsWith(DCMDUMP_UID_LINE))
                    {
                        final int end = line.indexOf(']', DCMDUMP_UID_LINE.length());
                        uidOf.putIfAbsent(current, end < 0 ? "" : line.substring(DCMDUMP_UID_LINE.length(), end));
                    }
                }
            }
            final int exit;
            try
            {
                if (!process.waitFor(10, TimeUnit.MINUTES))
                {
                    process.destroyForcibly();
                    throw new IOException(program + " did not end within 10 minutes");
                }
                exit = process.exitValue();
            }
            catch (final InterruptedException ex)
            {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while " + program + " ran", ex);
            }
            final List<String> errorLines = Files.readAllLines(errors, StandardCharsets.UTF_8);
            for (final String line : errorLines)
            {
                problem.accept("dcmdump: " + line);
            }
            if (exit != 0 && errorLines.isEmpty())
            {
                problem.accept("dcmdump exited with " + exit + " on a batch of " + batch.size() + " files");
            }
            long good = 0;
            for (final Path file : batch)
            {
                final String name = file.getFileName().toString();
                final String uid = uidOf.get(file.toString());
                if (uid != null && uid.equals(name.substring(0, name.length() - SUFFIX.length())))
                {
                    good++;
                }
                else
                {
                    problem.accept(root.relativize(file) + ": dcmdump " + (uid == null ? "could not read it" :
                        "read SOP Instance UID " + uid));
                }
            }
            return good;
        }
        finally
        {
            Files.deleteIfExists(errors);
        }
    }
}
