package org.dimse4j.interop;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dimse4j bench} against real peers: our SCPs in-process and DCMTK's storescp as a process. Checks counts,
 * what the peers stored, that the .hlog and .hgrm read back with the right totals, that a plot holds one series per
 * input, and that a refusing peer gives a clear error and a non-zero exit. No timing is asserted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchTest
{
    private static final Pattern TOTAL_COUNT = Pattern.compile("Total count\\s*=\\s*(\\d+)");
    private static final Pattern SERIES = Pattern.compile("<polyline class=\"series\"");

    @RegisterExtension
    final Dcmtk dcmtk = new Dcmtk();

    @TempDir
    Path temp;

    @Test
    void shouldRunEchoOverSeveralAssociationsAndWriteHistogramsThatReadBack() throws IOException
    {
        final int port = Dcmtk.freePort();
        try (OurTool.Server server = OurTool.Server.start(port, "echoscp", "-q", Integer.toString(port)))
        {
            assertTrue(server.isAlive());
            final String closed = temp.resolve("closed").toString();
            final OurTool.Result run = OurTool.run(dcmtk, "bench", "echo", "-q", "--associations", "2", "--window", "4",
                "--count", "301", "--warmup", "40", "--out", closed, "127.0.0.1", Integer.toString(port));
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("C-ECHO: 301 ops (0 failed)"), run.out());
            assertTrue(run.out().contains("window 4 requested / 4 granted"), run.out());
            assertEquals(301, hlogTotal(Path.of(closed + ".hlog"), null));
            assertEquals(301, hgrmTotal(Path.of(closed + ".hgrm")));
            assertEquals(1, series(Path.of(closed + ".html")));

            final String open = temp.resolve("open").toString();
            final OurTool.Result rated = OurTool.run(dcmtk, "bench", "echo", "-q", "--rate", "2000", "--count", "150",
                "--out", open, "--plot-format", "svg", "127.0.0.1", Integer.toString(port));
            assertEquals(0, rated.exitCode(), rated.err());
            assertTrue(rated.out().contains("C-ECHO: 150 ops (0 failed)"), rated.out());
            assertTrue(rated.out().contains("open model at 2000 ops/s"), rated.out());
            assertEquals(150, hlogTotal(Path.of(open + ".hlog"), null), "latency from the intended start");
            assertTrue(hlogTotal(Path.of(open + ".hlog"), "service") >= 150, "corrected service time: at least one each");
            assertEquals(150, hgrmTotal(Path.of(open + ".hgrm")));
            assertEquals(2, series(Path.of(open + ".svg")), "latency and corrected service time");

            final Path svg = temp.resolve("cmp.svg");
            final OurTool.Result plot = OurTool.run(dcmtk, "bench", "plot", "closed=" + closed + ".hgrm",
                open + ".hgrm", open + ".service.hgrm", "-o", svg.toString());
            assertEquals(0, plot.exitCode(), plot.err());
            assertEquals(3, series(svg));
            assertTrue(Files.readString(svg).contains("data-name=\"closed\""));
            final Path html = temp.resolve("cmp.html");
            assertEquals(0, OurTool.run(dcmtk, "bench", "plot", closed + ".hgrm", open + ".hgrm", "-o",
                html.toString()).exitCode());
            assertEquals(2, series(html));
            assertTrue(Files.readString(html).startsWith("<!DOCTYPE html>"));
            assertTrue(!Files.readString(html).contains("<script"), "self-contained, no script");
        }
    }

    @Test
    void shouldAllocateLessThanAnObjectPerOperationInTheClientLoop()
    {
        final int port = Dcmtk.freePort();
        try (OurTool.Server server = OurTool.Server.start(port, "echoscp", "-q", Integer.toString(port)))
        {
            assertTrue(server.isAlive());
            final OurTool.Result run = OurTool.run(dcmtk, "bench", "echo", "-q", "--window", "4", "--count", "20000",
                "--warmup", "5000", "127.0.0.1", Integer.toString(port));
            assertEquals(0, run.exitCode(), run.err());
            final Matcher allocation = Pattern.compile("client loop allocation: ([0-9.]+) B/op").matcher(run.out());
            assertTrue(allocation.find(), run.out());
            // the smallest object is 16 bytes: one per operation would read at least that; what remains comes from
            // the selector when the loop blocks (a few kB per run)
            assertTrue(Double.parseDouble(allocation.group(1)) < 16, run.out());
        }
    }

    @Test
    void shouldStoreSyntheticInstancesEachWithANewUidAndFindThem() throws IOException
    {
        final int port = Dcmtk.freePort();
        final Path archive = temp.resolve("archive");
        try (OurTool.Server server = OurTool.Server.start(port, "qrscp", "-q", "-od", archive.toString(),
            Integer.toString(port)))
        {
            assertTrue(server.isAlive());
            final OurTool.Result store = OurTool.run(dcmtk, "bench", "store", "-q", "--size", "4K", "--window", "8",
                "--associations", "2", "--count", "40", "--warmup", "4", "127.0.0.1", Integer.toString(port));
            assertEquals(0, store.exitCode(), store.err());
            assertTrue(store.out().contains("C-STORE: 40 ops (0 failed)"), store.out());
            assertEquals(44, instances(archive).size(), "warm-up and measured instances, each a new SOP Instance UID");

            final OurTool.Result find = OurTool.run(dcmtk, "bench", "find", "-q", "-k", "QueryRetrieveLevel=STUDY",
                "-k", "StudyInstanceUID", "--window", "2", "--count", "10", "127.0.0.1", Integer.toString(port));
            assertEquals(0, find.exitCode(), find.err());
            assertTrue(find.out().contains("C-FIND: 10 ops (0 failed)"), find.out());
            assertTrue(find.out().contains("10 matches (1.0 per op)"), "one study per bench store run: " + find.out());
        }
    }

    @Test
    void shouldStoreGivenFilesRoundRobinToDcmtkStorescp() throws IOException
    {
        final Path files = temp.resolve("files");
        assertEquals(0, OurTool.run(dcmtk, "mkinstances", "-n", "3", "--size", "8K", "-od", files.toString())
            .exitCode());
        final Path received = Files.createDirectories(temp.resolve("dcmtk"));
        final int port = Dcmtk.freePort();
        final Dcmtk.Run scp = dcmtk.start("storescp", "-od", received.toString(), Integer.toString(port));
        Dcmtk.awaitPort(port, 10_000, scp);

        final String prefix = temp.resolve("dcmtk-store").toString();
        final OurTool.Result run = OurTool.run(dcmtk, "bench", "store", "-q", "--window", "8", "--count", "9",
            "--out", prefix, "127.0.0.1", Integer.toString(port), files.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("C-STORE: 9 ops (0 failed)"), run.out());
        assertTrue(run.out().contains("window 8 requested / 1 granted"), "DCMTK grants no window: " + run.out());
        assertEquals(9, hlogTotal(Path.of(prefix + ".hlog"), null));
        Dcmtk.awaitTrue("DCMTK storescp to write the 3 instances", 10_000, () -> instances(received).size() == 3);

        final OurTool.Result echo = OurTool.run(dcmtk, "bench", "echo", "-q", "--count", "50", "127.0.0.1",
            Integer.toString(port));
        assertEquals(0, echo.exitCode(), echo.err());
        assertTrue(echo.out().contains("C-ECHO: 50 ops (0 failed)"), echo.out());
    }

    @Test
    void shouldSayWhyAPeerRefusedAndExitNonZero()
    {
        final int port = Dcmtk.freePort();
        try (OurTool.Server server = OurTool.Server.start(port, "echoscp", "-q", "-aet", "ECHOSCP",
            "--require-called-aet", Integer.toString(port)))
        {
            assertTrue(server.isAlive());
            final OurTool.Result refused = OurTool.run(dcmtk, "bench", "echo", "-q", "-aec", "SOMEONE", "--count", "5",
                "127.0.0.1", Integer.toString(port));
            assertNotEquals(0, refused.exitCode());
            assertTrue(refused.err().contains("association refused by SOMEONE@127.0.0.1:" + port), refused.err());
            assertTrue(refused.err().contains("rejected-permanent, service-user: called-AE-title-not-recognized"),
                refused.err());

            final OurTool.Result noContext = OurTool.run(dcmtk, "bench", "store", "-q", "-aec", "ECHOSCP", "--count",
                "5", "127.0.0.1", Integer.toString(port));
            assertNotEquals(0, noContext.exitCode());
            assertTrue(noContext.err().contains("the peer did not accept 1.2.840.10008.5.1.4.1.1.7 in " +
                "1.2.840.10008.1.2.1: context 1"), noContext.err());
            assertTrue(noContext.err().contains("result 3"), noContext.err());
        }
    }

    /** Sums the interval histograms of one tag (null: untagged) in an .hlog. */
    private static long hlogTotal(final Path hlog, final String tag) throws IOException
    {
        long total = 0;
        final HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
        try
        {
            EncodableHistogram interval;
            while ((interval = reader.nextIntervalHistogram()) != null)
            {
                if (tag == null ? interval.getTag() == null : tag.equals(interval.getTag()))
                {
                    total += ((AbstractHistogram)interval).getTotalCount();
                }
            }
        }
        finally
        {
            reader.close();
        }
        return total;
    }

    private static long hgrmTotal(final Path hgrm) throws IOException
    {
        final Matcher matcher = TOTAL_COUNT.matcher(Files.readString(hgrm));
        assertTrue(matcher.find(), "no Total count in " + hgrm);
        return Long.parseLong(matcher.group(1));
    }

    private static int series(final Path plot) throws IOException
    {
        final Matcher matcher = SERIES.matcher(Files.readString(plot));
        int n = 0;
        while (matcher.find())
        {
            n++;
        }
        return n;
    }

    private static List<Path> instances(final Path dir)
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            return files.filter(Files::isRegularFile)
                .filter(f -> !f.getFileName().toString().startsWith(".") && !f.toString().endsWith(".part") &&
                    !f.toString().endsWith(".tmp"))
                .toList();
        }
        catch (final IOException ex)
        {
            return List.of();
        }
    }
}
