package org.dimse4j.interop;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code verify-archive} on archives with one thing wrong each: it must find it, with our readers and with DCMTK
 * dcmdump, name the file, and exit 1; on the intact archive it passes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VerifyArchiveTest
{
    @RegisterExtension
    final Dcmtk dcmtk = new Dcmtk();

    @TempDir
    Path temp;

    private Path archive;
    private List<Path> files;
    private String dcmdump;

    @BeforeEach
    void writeArchive() throws IOException
    {
        dcmdump = Dcmtk.tool("dcmdump").toString();
        archive = temp.resolve("archive");
        assertEquals(0, OurTool.run(dcmtk, "mkinstances", "-n", "4", "--size", "6K", "-od", archive.toString())
            .exitCode());
        try (Stream<Path> list = Files.list(archive))
        {
            files = list.sorted().toList();
        }
        assertEquals(4, files.size());
    }

    @Test
    void shouldPassAnIntactArchiveWithTheRightCount()
    {
        final OurTool.Result result = verify("--expect", "4");
        assertEquals(0, result.exitCode(), result.out());
        assertTrue(result.out().contains("verify-archive: instances=4 verified=4 dcmdump=4 leftovers=0 unexpected=0 " +
            "problems=0 expected=4"), result.out());
    }

    @Test
    void shouldFindATruncatedInstanceWithBothParsers() throws IOException
    {
        final Path truncated = files.get(1);
        try (FileChannel channel = FileChannel.open(truncated, StandardOpenOption.WRITE))
        {
            channel.truncate(channel.size() - 100); // inside the pixel data: the head still parses
        }
        final OurTool.Result result = verify();
        assertEquals(1, result.exitCode(), result.out());
        final String name = truncated.getFileName().toString();
        assertTrue(result.out().contains("problem: " + name + ": data set does not parse"), result.out());
        assertTrue(result.out().contains("problem: " + name + ": dcmdump could not read it"), result.out());
        assertTrue(result.out().contains("instances=4 verified=3 dcmdump=3"), result.out());
    }

    @Test
    void shouldFindAFileWhoseNameIsNotItsSopInstanceUid() throws IOException
    {
        final Path renamed = Files.move(files.get(2), archive.resolve("1.2.3.4.dcm"));
        final OurTool.Result result = verify();
        assertEquals(1, result.exitCode(), result.out());
        assertTrue(result.out().contains("problem: 1.2.3.4.dcm: Media Storage SOP Instance UID"), result.out());
        assertTrue(result.out().contains("problem: 1.2.3.4.dcm: dcmdump read SOP Instance UID " +
            files.get(2).getFileName().toString().replace(".dcm", "")), result.out());
        assertTrue(Files.exists(renamed));
    }

    @Test
    void shouldFindLeftoverPartialAndUnexpectedFiles() throws IOException
    {
        Files.createDirectories(archive.resolve(".incoming"));
        Files.copy(files.get(0), archive.resolve(".incoming").resolve("1.2.3-7.part"));
        Files.writeString(archive.resolve("notes.txt"), "x");
        final OurTool.Result result = verify("--expect", "4");
        assertEquals(1, result.exitCode(), result.out());
        assertTrue(result.out().contains("problem: .incoming/1.2.3-7.part: temporary or partial file left behind"),
            result.out());
        assertTrue(result.out().contains("problem: notes.txt: not an instance file"), result.out());
        assertTrue(result.out().contains("instances=4 verified=4 dcmdump=4 leftovers=1 unexpected=1"), result.out());
    }

    @Test
    void shouldFailWhenTheCountDiffers() throws IOException
    {
        Files.delete(files.get(3));
        final OurTool.Result result = verify("--expect", "4");
        assertEquals(1, result.exitCode(), result.out());
        assertTrue(result.out().contains("expected 4 instance files, found 3 (-1)"), result.out());
        assertTrue(result.out().contains("problems=0 expected=4"), result.out());
    }

    private OurTool.Result verify(final String... more)
    {
        final List<String> args = new java.util.ArrayList<>(List.of("verify-archive", "--dcmdump",
            "--dcmdump-program", dcmdump));
        args.addAll(List.of(more));
        args.add(archive.toString());
        return OurTool.run(dcmtk, args.toArray(String[]::new));
    }
}
