package org.dimse4j.interop;

import org.dimse4j.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's invariant (scripts/soak.sh runs it for minutes) in a short run: our qrscp under mixed load from
 * concurrent {@code bench} runs (small and large C-STORE over several associations with a window, C-ECHO, C-FIND)
 * stores exactly as many instance files as the senders got Success responses, and every file verifies with
 * {@code verify-archive} (our readers and DCMTK dcmdump, UID = file name, no partial file). No timing is asserted.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SoakTest
{
    private static final String SECONDS = "10";

    @RegisterExtension
    final Dcmtk dcmtk = new Dcmtk();

    @TempDir
    Path temp;

    @Test
    void shouldStoreAsManyFilesAsSuccessResponsesUnderMixedLoadAndEveryFileVerifies() throws Exception
    {
        final String dcmdump = Dcmtk.tool("dcmdump").toString();
        final int port = Dcmtk.freePort();
        final Path archive = temp.resolve("archive");
        final Map<String, String[]> load = new LinkedHashMap<>();
        load.put("store-4k", new String[] {"store", "--size", "4K", "--associations", "3", "--window", "8"});
        load.put("store-512k", new String[] {"store", "--size", "512K", "--associations", "2", "--window", "2",
            "--rate", "10"});
        load.put("store-2m", new String[] {"store", "--size", "2M", "--window", "2", "--rate", "1"});
        load.put("echo", new String[] {"echo", "--associations", "2", "--window", "4", "--rate", "500"});
        load.put("find", new String[] {"find", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID",
            "--window", "2", "--rate", "20"});
        final Map<String, Integer> exits = new LinkedHashMap<>();
        try (OurTool.Server server = OurTool.Server.start(port, "qrscp", "-q", "-od", archive.toString(),
            Integer.toString(port)))
        {
            final List<Thread> threads = new ArrayList<>();
            for (final Map.Entry<String, String[]> run : load.entrySet())
            {
                final List<String> args = new ArrayList<>(List.of("bench"));
                args.addAll(List.of(run.getValue()));
                args.addAll(List.of("-q", "--duration", SECONDS, "--summary-json",
                    temp.resolve(run.getKey() + ".json").toString(), "127.0.0.1", Integer.toString(port)));
                final Thread thread = new Thread(() ->
                {
                    final int exit = Main.run(args.toArray(String[]::new));
                    synchronized (exits)
                    {
                        exits.put(run.getKey(), exit);
                    }
                }, "soak-" + run.getKey());
                threads.add(thread);
                thread.start();
            }
            for (final Thread thread : threads)
            {
                thread.join(TimeUnit.SECONDS.toMillis(120));
            }
            assertTrue(server.isAlive(), "qrscp still serves after the load");
            assertEquals(0, server.stop(), "qrscp stops cleanly");
        }
        long stored = 0;
        for (final String name : load.keySet())
        {
            final String json = Files.readString(temp.resolve(name + ".json"));
            dcmtk.note(name + " summary", json);
            assertEquals(0, exits.get(name), name + ": " + json);
            assertEquals(0, number(json, "failed"), name + ": " + json);
            assertEquals(0, number(json, "unanswered"), name + ": " + json);
            assertEquals(number(json, "answered"), number(json, "succeeded"), name + ": " + json);
            assertTrue(number(json, "succeeded") > 0, name + " did something: " + json);
            if (name.startsWith("store"))
            {
                stored += number(json, "succeeded");
            }
        }

        final OurTool.Result verify = OurTool.run(dcmtk, "verify-archive", "--dcmdump", "--dcmdump-program", dcmdump,
            "--expect", Long.toString(stored), archive.toString());
        assertEquals(0, verify.exitCode(), verify.out());
        assertTrue(verify.out().contains("verify-archive: instances=" + stored + " verified=" + stored + " dcmdump=" +
            stored + " leftovers=0 unexpected=0 problems=0 expected=" + stored), verify.out());
    }

    @Test
    void shouldCountFailureResponsesApartAndArchiveOnlyTheSuccesses() throws IOException
    {
        final Path files = temp.resolve("files");
        assertEquals(0, OurTool.run(dcmtk, "mkinstances", "-n", "3", "--size", "8K", "-od", files.toString())
            .exitCode());
        final int port = Dcmtk.freePort();
        final Path archive = temp.resolve("archive");
        final Path json = temp.resolve("store.json");
        try (OurTool.Server server = OurTool.Server.start(port, "storescp", "-q", "--duplicates", "reject", "-od",
            archive.toString(), Integer.toString(port)))
        {
            assertTrue(server.isAlive());
            // the files go round-robin with the same UIDs each round: the second and third rounds are duplicates
            final OurTool.Result run = OurTool.run(dcmtk, "bench", "store", "-q", "--count", "9", "--summary-json",
                json.toString(), "127.0.0.1", Integer.toString(port), files.toString());
            assertNotEquals(0, run.exitCode(), "failure responses make bench exit non-zero");
        }
        final String summary = Files.readString(json);
        assertEquals(9, number(summary, "answered"), summary);
        assertEquals(3, number(summary, "succeeded"), summary);
        assertEquals(6, number(summary, "failed"), summary);
        assertEquals(0, number(summary, "unanswered"), summary);
        assertTrue(summary.contains("\"first_failure\":\"C-STORE-RSP status 0x0111"), summary);

        final OurTool.Result verify = OurTool.run(dcmtk, "verify-archive", "--expect", "3", archive.toString());
        assertEquals(0, verify.exitCode(), verify.out());
        final OurTool.Result wrongCount = OurTool.run(dcmtk, "verify-archive", "--expect", "9", archive.toString());
        assertEquals(1, wrongCount.exitCode(), "counting the failures as stored must fail: " + wrongCount.out());
        assertTrue(wrongCount.out().contains("expected 9 instance files, found 3 (-6)"), wrongCount.out());
    }

    private static long number(final String json, final String key)
    {
        final Matcher matcher = Pattern.compile("\"" + Pattern.quote(key) + "\":(-?\\d+)").matcher(json);
        assertTrue(matcher.find(), key + " in " + json);
        return Long.parseLong(matcher.group(1));
    }
}
