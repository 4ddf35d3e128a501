package org.dimse4j.interop;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.Part10Writer;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.ul.Association;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * C-STORE interoperability with DCMTK 3.6 through our CLI tools: DCMTK's storescu against our storescp, our
 * storescu against DCMTK's storescp (bit-preserving), a 60 MB multi-frame instance, a peer vanishing mid data set.
 * Every stored data set is compared byte for byte with its source. Loopback only.
 * <p>
 * The instances are made once by dump2dcm: 300 of them over four SOP classes, three transfer syntaxes, and
 * sequences of defined and of undefined length. DCMTK's storescu re-encodes what it sends (sequences and items
 * always get explicit lengths on the wire), so it is given only the defined-length half, whose bytes survive that
 * unchanged; our storescu sends every file as it lies.
 */
final class StorageInteropTest
{
    private static final String HOST = "127.0.0.1";
    private static final String OUR_AE = "DIMSE4J";
    private static final int INSTANCES = 300;
    private static final String UID_ROOT = "1.2.826.0.1.3680043.9.7777.";

    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final String MR = "1.2.840.10008.5.1.4.1.1.4";
    private static final String SC = "1.2.840.10008.5.1.4.1.1.7";
    private static final String US = "1.2.840.10008.5.1.4.1.1.6.1";
    private static final String SC_MULTIFRAME_WORD = "1.2.840.10008.5.1.4.1.1.7.3";
    private static final String[] CLASSES = {CT, MR, SC, US};
    private static final String[] MODALITIES = {"CT", "MR", "OT", "US"};
    private static final String[] TS_OPTIONS = {"+ti", "+te", "+tb"};
    private static final String[] TS_UIDS = {TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
        TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN};

    @RegisterExtension
    static final Dcmtk DCMTK = new Dcmtk();

    @TempDir
    static Path shared;

    /** All generated instances. */
    private static Path source;
    /** The ones with sequences of defined length only (a subdirectory of {@link #source}). */
    private static Path defined;
    /** SOP Instance UID to source file. */
    private static final Map<String, Path> SOURCES = new HashMap<>();
    private static long generationMs;

    @TempDir
    Path temp;

    // ---------------------------------------------------------------- test data

    @BeforeAll
    static void generateInstances() throws Exception
    {
        final Path dump2dcm = Dcmtk.tool("dump2dcm");
        final long start = System.nanoTime();
        source = Files.createDirectories(shared.resolve("source"));
        defined = Files.createDirectories(source.resolve("defined"));
        final Path undefined = Files.createDirectories(source.resolve("undefined"));
        final Path dumps = Files.createDirectories(shared.resolve("dumps"));
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        try
        {
            final List<Future<Path>> files = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++)
            {
                final int kind = i % CLASSES.length;
                final int ts = (i / CLASSES.length) % TS_UIDS.length;
                final boolean undefinedLengths = (i / (CLASSES.length * TS_UIDS.length)) % 2 == 1;
                final String uid = UID_ROOT + "1." + (i + 1);
                final Path dump = dumps.resolve(i + ".dump");
                Files.writeString(dump, dumpText(CLASSES[kind], MODALITIES[kind], uid, i), StandardCharsets.US_ASCII);
                final Path file = (undefinedLengths ? undefined : defined)
                    .resolve(MODALITIES[kind] + "-" + TS_OPTIONS[ts].substring(1) + "-" + (i + 1) + ".dcm");
                SOURCES.put(uid, file);
                final List<String> command = new ArrayList<>(List.of(dump2dcm.toString(), "+l", "65536",
                    TS_OPTIONS[ts]));
                if (undefinedLengths)
                {
                    command.add("-e");
                }
                command.add(dump.toString());
                command.add(file.toString());
                files.add(pool.submit(() -> runQuietly(command, file)));
            }
            for (final Future<Path> file : files)
            {
                file.get(60, TimeUnit.SECONDS);
            }
        }
        finally
        {
            pool.shutdownNow();
        }
        Files.writeString(source.resolve("README.txt"), "not DICOM: storescu must report and skip this file\n");
        generationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("StorageInteropTest: " + INSTANCES + " instances generated by dump2dcm in " + generationMs +
            " ms");
        // one of them, re-read by DCMTK, as a check on the generator
        final Path check = SOURCES.get(UID_ROOT + "1.9");
        final Process dcmdump = new ProcessBuilder(Dcmtk.tool("dcmdump").toString(), "-M", check.toString())
            .redirectErrorStream(true).start();
        final String dumped = new String(dcmdump.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertEquals(0, dcmdump.waitFor(), "dcmdump " + check + ":\n" + dumped);
        assertTrue(dumped.contains(UID_ROOT + "1.9"), dumped);
        assertTrue(dumped.contains("Big Endian Explicit"), dumped);
    }

    private static Path runQuietly(final List<String> command, final Path file) throws IOException,
        InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        if (process.waitFor() != 0 || !Files.isRegularFile(file))
        {
            throw new IOException(String.join(" ", command) + " failed:\n" + output);
        }
        return file;
    }

    /** A small instance with a nested sequence, text of several VRs, and 32x32 16-bit pixels. */
    private static String dumpText(final String sopClass, final String modality, final String uid, final int seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final StringBuilder pixels = new StringBuilder(5 * 1024);
        for (int i = 0; i < 32 * 32; i++)
        {
            if (i > 0)
            {
                pixels.append('\\');
            }
            pixels.append(String.format("%04x", random.nextInt(0x10000)));
        }
        return "(0008,0005) CS [ISO_IR 100]\n" +
            "(0008,0016) UI [" + sopClass + "]\n" +
            "(0008,0018) UI [" + uid + "]\n" +
            "(0008,0060) CS [" + modality + "]\n" +
            "(0008,1140) SQ (Sequence with undefined length #=1)\n" +
            "  (fffe,e000) na (Item with undefined length #=2)\n" +
            "    (0008,1150) UI [" + sopClass + "]\n" +
            "    (0008,1155) UI [" + UID_ROOT + "9." + seed + "]\n" +
            "  (fffe,e00d) na (ItemDelimitationItem)\n" +
            "(fffe,e0dd) na (SequenceDelimitationItem)\n" +
            "(0010,0010) PN [TEST^PATIENT^" + seed + "]\n" +
            "(0010,0020) LO [PID" + seed + "]\n" +
            "(0018,0050) DS [" + (0.5 + seed % 7) + "]\n" +
            "(0020,000d) UI [" + UID_ROOT + "2." + (seed % 5) + "]\n" +
            "(0020,000e) UI [" + UID_ROOT + "3." + (seed % 20) + "]\n" +
            "(0020,0013) IS [" + seed + "]\n" +
            "(0028,0002) US 1\n" +
            "(0028,0004) CS [MONOCHROME2]\n" +
            "(0028,0010) US 32\n" +
            "(0028,0011) US 32\n" +
            "(0028,0100) US 16\n" +
            "(0028,0101) US 16\n" +
            "(0028,0102) US 15\n" +
            "(0028,0103) US 0\n" +
            "(7fe0,0010) OW " + pixels + "\n";
    }

    /**
     * A DCMTK association profile proposing each test SOP class in three contexts, one per uncompressed transfer
     * syntax, so that storescu always finds the file's own transfer syntax accepted and sends the file unconverted.
     */
    private Path storescuProfile() throws IOException
    {
        final StringBuilder cfg = new StringBuilder("[[TransferSyntaxes]]\n")
            .append("[ILE]\nTransferSyntax1 = LittleEndianImplicit\n")
            .append("[ELE]\nTransferSyntax1 = LittleEndianExplicit\n")
            .append("[EBE]\nTransferSyntax1 = BigEndianExplicit\n")
            .append("[[PresentationContexts]]\n[Interop]\n");
        int n = 1;
        for (final String sopClass : List.of(CT, MR, SC, US, SC_MULTIFRAME_WORD))
        {
            for (final String ts : List.of("ILE", "ELE", "EBE"))
            {
                cfg.append("PresentationContext").append(n++).append(" = ").append(sopClass).append('\\')
                    .append(ts).append('\n');
            }
        }
        cfg.append("[[Profiles]]\n[Interop]\nPresentationContexts = Interop\n");
        final Path file = temp.resolve("storescu-interop.cfg");
        Files.writeString(file, cfg, StandardCharsets.US_ASCII);
        return file;
    }

    // ---------------------------------------------------------------- DCMTK storescu -> our storescp

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void dcmtkStorescuToOurStorescpStoresEveryDataSetByteForByte() throws IOException
    {
        final Path archive = temp.resolve("archive");
        final int port = Dcmtk.freePort();
        try (OurTool.Server scp = OurTool.Server.start(port, "storescp", "-aet", OUR_AE, "-od", archive.toString(),
            "--bind", HOST, String.valueOf(port)))
        {
            final long start = System.nanoTime();
            final Dcmtk.Run storescu = DCMTK.run("storescu", "-xf", storescuProfile().toString(), "Interop",
                "-aec", OUR_AE, "+sd", "+r", "-nh", HOST, String.valueOf(port), defined.toString());
            final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(0, storescu.exitCode(), "DCMTK storescu exit code");
            final String output = storescu.output();
            assertFalse(output.contains("E: "), "DCMTK storescu reports errors:\n" + output);
            assertFalse(output.contains("Store Failed"), "DCMTK storescu: a store failed:\n" + output);
            assertFalse(output.contains("converting"), "DCMTK storescu converted a file:\n" + output);

            final List<Path> sent = files(defined);
            assertEquals(SOURCES.values().stream().filter(f -> f.startsWith(defined)).count(), sent.size(),
                "defined-length instances");
            for (final Path file : sent)
            {
                final Part10Info info = Part10Reader.read(file);
                final Path stored = archive.resolve(info.mediaStorageSopInstanceUid() + ".dcm");
                assertTrue(Files.isRegularFile(stored), "stored: " + stored);
                assertSameDataSet(file, stored);
                final Part10Info storedInfo = Part10Reader.read(stored);
                assertEquals(info.transferSyntaxUid(), storedInfo.transferSyntaxUid(), "transfer syntax of " + stored);
                assertEquals(info.mediaStorageSopClassUid(), storedInfo.mediaStorageSopClassUid());
                assertEquals("STORESCU", storedInfo.sourceApplicationEntityTitle());
            }
            assertEquals(sent.size(), files(archive).size(), "nothing else in the archive");
            assertNoPartialFiles(archive);
            assertTrue(scp.isAlive(), "our storescp still runs");
            stopAndCheck(scp, archive);
            System.out.println("DCMTK storescu -> our storescp: " + sent.size() + " instances in " + ms + " ms");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void dcmtkStorescuSendsA60MegabyteMultiFrameInstanceByteForByte() throws IOException
    {
        final Path big = largeMultiFrame(temp.resolve("big"), UID_ROOT + "4.1", 120);
        assertTrue(Files.size(big) > 60_000_000L, "size of " + big);
        final Path archive = temp.resolve("archive");
        final int port = Dcmtk.freePort();
        try (OurTool.Server scp = OurTool.Server.start(port, "storescp", "-aet", OUR_AE, "-od", archive.toString(),
            "-pdu", "65536", "--fsync", "--bind", HOST, String.valueOf(port)))
        {
            final long start = System.nanoTime();
            final Dcmtk.Run storescu = DCMTK.run("storescu", "-xf", storescuProfile().toString(), "Interop",
                "-aec", OUR_AE, "-pdu", "131072", HOST, String.valueOf(port), big.toString());
            final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(0, storescu.exitCode(), "DCMTK storescu exit code");
            final Path stored = archive.resolve(UID_ROOT + "4.1.dcm");
            assertTrue(Files.isRegularFile(stored), "stored: " + stored);
            assertSameDataSet(big, stored);
            assertEquals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, Part10Reader.read(stored).transferSyntaxUid());
            assertNoPartialFiles(archive);
            assertTrue(scp.isAlive(), "our storescp still runs");
            System.out.println("DCMTK storescu -> our storescp: " + Files.size(big) / 1_000_000 + " MB in " + ms +
                " ms");
        }
    }

    /** An Explicit VR Little Endian multi-frame instance of {@code frames} 512x512 16-bit frames. */
    private static Path largeMultiFrame(final Path dir, final String uid, final int frames) throws IOException
    {
        Files.createDirectories(dir);
        final Path file = dir.resolve("multiframe.dcm");
        final UnsafeBuffer meta = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        final int metaLength = Part10Writer.writeMeta(meta, 0, SC_MULTIFRAME_WORD, uid,
            TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, "DIMSE4J");
        final ByteBuffer head = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer metaBytes = ByteBuffer.allocate(metaLength);
        meta.getBytes(0, metaBytes, 0, metaLength);
        head.put(metaBytes.array());
        text(head, 0x00080016, "UI", SC_MULTIFRAME_WORD, (byte)0);
        text(head, 0x00080018, "UI", uid, (byte)0);
        text(head, 0x00080060, "CS", "OT", (byte)' ');
        text(head, 0x00100010, "PN", "BIG^MULTIFRAME", (byte)' ');
        text(head, 0x0020000D, "UI", UID_ROOT + "4", (byte)0);
        us(head, 0x00280002, 1);
        text(head, 0x00280004, "CS", "MONOCHROME2", (byte)' ');
        text(head, 0x00280008, "IS", String.valueOf(frames), (byte)' ');
        us(head, 0x00280010, 512);
        us(head, 0x00280011, 512);
        us(head, 0x00280100, 16);
        us(head, 0x00280101, 16);
        us(head, 0x00280102, 15);
        us(head, 0x00280103, 0);
        final long pixelLength = 512L * 512 * 2 * frames;
        head.putShort((short)0x7FE0).putShort((short)0x0010).put((byte)'O').put((byte)'W').putShort((short)0)
            .putInt((int)pixelLength);
        head.flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            while (head.hasRemaining())
            {
                channel.write(head);
            }
            final ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            final SplittableRandom random = new SplittableRandom(42);
            long left = pixelLength;
            while (left > 0)
            {
                chunk.clear();
                while (chunk.hasRemaining())
                {
                    chunk.putLong(random.nextLong());
                }
                chunk.flip().limit((int)Math.min(chunk.capacity(), left));
                left -= chunk.remaining();
                while (chunk.hasRemaining())
                {
                    channel.write(chunk);
                }
            }
        }
        return file;
    }

    private static void text(final ByteBuffer dst, final int tag, final String vr, final String value, final byte pad)
    {
        final int length = (value.length() + 1) & ~1;
        dst.putShort((short)(tag >>> 16)).putShort((short)tag).put((byte)vr.charAt(0)).put((byte)vr.charAt(1))
            .putShort((short)length);
        dst.put(value.getBytes(StandardCharsets.US_ASCII));
        if (length > value.length())
        {
            dst.put(pad);
        }
    }

    private static void us(final ByteBuffer dst, final int tag, final int value)
    {
        dst.putShort((short)(tag >>> 16)).putShort((short)tag).put((byte)'U').put((byte)'S').putShort((short)2)
            .putShort((short)value);
    }

    // ---------------------------------------------------------------- our storescu -> DCMTK storescp

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void ourStorescuToDcmtkStorescpStoresEveryDataSetByteForByte() throws IOException
    {
        final Path archive = Files.createDirectories(temp.resolve("dcmtk-archive"));
        final int port = Dcmtk.freePort();
        final Dcmtk.Run scp = DCMTK.start("storescp", "-v", "+B", "-od", archive.toString(), String.valueOf(port));
        Dcmtk.awaitPort(port, 10_000, scp);

        final long start = System.nanoTime();
        final OurTool.Result result = OurTool.run(DCMTK, "storescu", "-aet", OUR_AE, "-aec", "STORESCP", HOST,
            String.valueOf(port), source.toString());
        final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals(0, result.exitCode(), "our storescu exit code");
        assertTrue(result.out().contains(INSTANCES + " instances (0 failed, 0 warnings)"), "summary:\n" + result.out());
        assertTrue(result.err().contains("README.txt: skipped"), "the non-DICOM file is reported:\n" + result.err());
        final Map<String, Path> stored = byInstanceUid(archive);
        assertEquals(INSTANCES, stored.size(), "instances DCMTK stored");
        for (final Map.Entry<String, Path> entry : SOURCES.entrySet())
        {
            final Path copy = stored.get(entry.getKey());
            assertTrue(copy != null, "DCMTK stored " + entry.getKey());
            assertSameDataSet(entry.getValue(), copy);
            assertEquals(Part10Reader.read(entry.getValue()).transferSyntaxUid(),
                Part10Reader.read(copy).transferSyntaxUid(), "transfer syntax of " + copy);
        }
        assertTrue(scp.isAlive(), "DCMTK storescp still runs");
        System.out.println("our storescu -> DCMTK storescp: " + INSTANCES + " instances in " + ms + " ms");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void ourStorescuNeverTranscodesForAnImplicitOnlyStorescp() throws IOException
    {
        final Path archive = Files.createDirectories(temp.resolve("dcmtk-archive"));
        final Path few = Files.createDirectories(temp.resolve("few"));
        // instances 1, 5, 9: CT in implicit LE, explicit LE, explicit BE
        for (final int i : new int[] {1, 5, 9})
        {
            final Path file = SOURCES.get(UID_ROOT + "1." + i);
            Files.copy(file, few.resolve(file.getFileName()));
        }
        final int port = Dcmtk.freePort();
        final Dcmtk.Run scp = DCMTK.start("storescp", "-v", "+B", "+xi", "-od", archive.toString(),
            String.valueOf(port));
        Dcmtk.awaitPort(port, 10_000, scp);

        final OurTool.Result result = OurTool.run(DCMTK, "storescu", "-v", HOST, String.valueOf(port), few.toString());

        assertEquals(1, result.exitCode(), "our storescu exit code with failures");
        assertTrue(result.out().contains("3 instances (2 failed, 0 warnings)"), "summary:\n" + result.out());
        // CT was accepted in implicit LE only: the explicit LE and the big endian files are not transcoded
        assertTrue(result.err().contains("CT-te-5.dcm: FAILED: no matching context, not transcoded"), result.err());
        assertTrue(result.err().contains("CT-tb-9.dcm: FAILED: no matching context, not transcoded"), result.err());
        final Map<String, Path> stored = byInstanceUid(archive);
        assertEquals(List.of(UID_ROOT + "1.1"), List.copyOf(stored.keySet()), "only the implicit LE file stored");
        assertSameDataSet(SOURCES.get(UID_ROOT + "1.1"), stored.get(UID_ROOT + "1.1"));
    }

    // ---------------------------------------------------------------- our storescu -> our storescp

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void ourStorescuOverParallelAssociationsToOurStorescp() throws IOException
    {
        final Path archive = temp.resolve("archive");
        final int port = Dcmtk.freePort();
        try (OurTool.Server scp = OurTool.Server.start(port, "storescp", "-od", archive.toString(),
            "--event-loops", "2", "--bind", HOST, String.valueOf(port)))
        {
            final OurTool.Result result = OurTool.run(DCMTK, "storescu", "--associations", "4", "--repeat", "3",
                "--progress", HOST, String.valueOf(port), source.toString());
            assertEquals(0, result.exitCode(), "our storescu exit code");
            assertTrue(result.out().contains(3 * INSTANCES + " instances (0 failed, 0 warnings)"),
                "summary:\n" + result.out());
            for (final Map.Entry<String, Path> entry : SOURCES.entrySet())
            {
                assertSameDataSet(entry.getValue(), archive.resolve(entry.getKey() + ".dcm"));
            }
            assertEquals(INSTANCES, files(archive).size(), "one file per instance");
            assertNoPartialFiles(archive);
            assertTrue(scp.isAlive(), "our storescp still runs");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void ourStorescpRejectsDuplicatesWhenAsked() throws IOException
    {
        final Path archive = temp.resolve("archive");
        final Path one = SOURCES.get(UID_ROOT + "1.2");
        final int port = Dcmtk.freePort();
        try (OurTool.Server scp = OurTool.Server.start(port, "storescp", "--duplicates", "reject", "-od",
            archive.toString(), "--bind", HOST, String.valueOf(port)))
        {
            final OurTool.Result result = OurTool.run(DCMTK, "storescu", "--repeat", "2", HOST, String.valueOf(port),
                one.toString());
            assertEquals(1, result.exitCode(), "our storescu exit code");
            assertTrue(result.out().contains("2 instances (1 failed, 0 warnings)"), "summary:\n" + result.out());
            assertTrue(result.err().contains("status 0x0111 Failure: Duplicate SOP instance"), result.err());
            assertSameDataSet(one, archive.resolve(UID_ROOT + "1.2.dcm"));
            stopAndCheck(scp, archive);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void ourStorescpAcceptsAnUnknownSopClassOnlyWhenPromiscuous() throws IOException
    {
        final String privateClass = UID_ROOT + "99.1";
        final String uid = UID_ROOT + "7.1";
        final Path dir = Files.createDirectories(temp.resolve("private"));
        final Path file = dir.resolve("private.dcm");
        final UnsafeBuffer meta = new UnsafeBuffer(new byte[1024]);
        final int metaLength = Part10Writer.writeMeta(meta, 0, privateClass, uid,
            TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, null);
        final ByteBuffer bytes = ByteBuffer.allocate(metaLength + 256).order(ByteOrder.LITTLE_ENDIAN);
        meta.getBytes(0, bytes, 0, metaLength);
        bytes.position(metaLength);
        text(bytes, 0x00080016, "UI", privateClass, (byte)0);
        text(bytes, 0x00080018, "UI", uid, (byte)0);
        Files.write(file, java.util.Arrays.copyOf(bytes.array(), bytes.position()));

        for (final boolean promiscuous : new boolean[] {false, true})
        {
            final Path archive = temp.resolve("archive-" + promiscuous);
            final int port = Dcmtk.freePort();
            final List<String> args = new ArrayList<>(List.of("storescp", "-od", archive.toString(), "--bind", HOST));
            if (promiscuous)
            {
                args.add("-pm");
            }
            args.add(String.valueOf(port));
            try (OurTool.Server scp = OurTool.Server.start(port, args.toArray(new String[0])))
            {
                final OurTool.Result result = OurTool.run(DCMTK, "storescu", HOST, String.valueOf(port),
                    file.toString());
                assertEquals(promiscuous ? 0 : 1, result.exitCode(), "storescu exit code, -pm " + promiscuous);
                assertEquals(promiscuous, Files.exists(archive.resolve(uid + ".dcm")), "stored with -pm only");
                if (!promiscuous)
                {
                    assertTrue(result.err().contains("accepted no presentation context for " + privateClass),
                        result.err());
                }
                else
                {
                    assertSameDataSet(file, archive.resolve(uid + ".dcm"));
                }
                stopAndCheck(scp, archive);
            }
        }
    }

    // ---------------------------------------------------------------- a peer vanishing mid data set

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void ourStorescpLeavesNothingWhenThePeerDropsMidDataSet() throws Exception
    {
        final Path archive = temp.resolve("archive");
        final int port = Dcmtk.freePort();
        try (OurTool.Server scp = OurTool.Server.start(port, "storescp", "-aet", OUR_AE, "-od", archive.toString(),
            "--bind", HOST, String.valueOf(port)))
        {
            final ClientAssociation client = ApplicationEntity.named("VANISHING").build()
                .connect(HOST, port, OUR_AE, ContextRequest.of(CT, TransferSyntax.DEFAULT));
            final Association association = client.association();
            final DimseProvider provider = client.provider();
            final int contextId = association.contextIdFor(CT);
            final String uid = UID_ROOT + "5.1";
            provider.beginCommand(association, contextId)
                .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, CT)
                .putUS(CommandElement.COMMAND_FIELD, CommandField.C_STORE_RQ)
                .putUS(CommandElement.MESSAGE_ID, 1)
                .putUS(CommandElement.PRIORITY, CommandElement.PRIORITY_MEDIUM)
                .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT)
                .putUid(CommandElement.AFFECTED_SOP_INSTANCE_UID, uid);
            provider.sendCommand();
            // the first half of a data set: fragments, none marked last
            final UnsafeBuffer half = new UnsafeBuffer(new byte[8000]);
            for (int i = 0; i < 4; i++)
            {
                association.claimPData(8100).putPdv(contextId, 0, half, 0, 8000);
                association.sendPData();
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (association.pendingSendBytes() > 0 && System.nanoTime() < deadline)
            {
                association.doWork(System.nanoTime());
            }
            Dcmtk.awaitTrue("the instance to be written to .incoming", 10_000,
                () -> partialFiles(archive) == 1);
            association.close(); // the connection drops: no A-ABORT, no A-RELEASE
            client.close();
            Dcmtk.awaitTrue("the partial instance to be removed", 10_000,
                () -> partialFiles(archive) == 0);
            assertEquals(List.of(), files(archive), "nothing in the archive");
            assertFalse(Files.exists(archive.resolve(uid + ".dcm")));

            // and the SCP still serves
            final OurTool.Result after = OurTool.run(DCMTK, "storescu", "-aec", OUR_AE, HOST, String.valueOf(port),
                SOURCES.get(UID_ROOT + "1.3").toString());
            assertEquals(0, after.exitCode(), "a store after the drop");
            stopAndCheck(scp, archive);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Regular files under a directory, recursively, leaving out our .incoming. */
    private static List<Path> files(final Path dir) throws IOException
    {
        try (Stream<Path> walk = Files.walk(dir))
        {
            return walk.filter(Files::isRegularFile)
                .filter(p -> !dir.relativize(p).toString().startsWith(".incoming"))
                .filter(p -> p.toString().endsWith(".dcm") || !p.getFileName().toString().contains("."))
                .filter(p -> !p.getFileName().toString().equals("README.txt"))
                .sorted().toList();
        }
    }

    private static long count(final Path dir)
    {
        try (Stream<Path> list = Files.list(dir))
        {
            return list.count();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return files in .incoming holding bytes: instances being received, or left behind. The empty files that
     * storescp creates ahead (--create-ahead) do not count; {@link #stopAndCheck} checks they go on stop.
     */
    private static long partialFiles(final Path archive)
    {
        try (Stream<Path> list = Files.walk(archive.resolve(".incoming")))
        {
            return list.filter(p -> Files.isRegularFile(p) && p.toFile().length() > 0).count();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void assertNoPartialFiles(final Path archive)
    {
        assertEquals(0, partialFiles(archive), "partial files left in .incoming");
    }

    /** Stops our storescp: exit code 0, and .incoming empty (the files created ahead are removed). */
    private static void stopAndCheck(final OurTool.Server scp, final Path archive)
    {
        assertEquals(0, scp.stop(), "our storescp exit code when stopped");
        assertEquals(0, count(archive.resolve(".incoming")), "files left in .incoming after stop");
    }

    /** DCMTK's storescp names files by modality and UID: index them by the UID in their meta group instead. */
    private static Map<String, Path> byInstanceUid(final Path dir) throws IOException
    {
        final Map<String, Path> found = new HashMap<>();
        try (Stream<Path> walk = Files.walk(dir))
        {
            for (final Path file : walk.filter(Files::isRegularFile).toList())
            {
                final Path before = found.put(Part10Reader.read(file).mediaStorageSopInstanceUid(), file);
                if (before != null)
                {
                    fail("two files for one instance: " + before + ", " + file);
                }
            }
        }
        return found;
    }

    /** The data sets (the bytes after the file meta group) of two Part 10 files are equal. */
    private static void assertSameDataSet(final Path expected, final Path actual) throws IOException
    {
        final Part10Info a = Part10Reader.read(expected);
        final Part10Info b = Part10Reader.read(actual);
        assertEquals(a.dataSetLength(), b.dataSetLength(), "data set length of " + actual + " (from " + expected + ")");
        try (FileChannel x = FileChannel.open(expected); FileChannel y = FileChannel.open(actual))
        {
            final ByteBuffer bx = ByteBuffer.allocate(1 << 20);
            final ByteBuffer by = ByteBuffer.allocate(1 << 20);
            long px = a.dataSetOffset();
            long py = b.dataSetOffset();
            long left = a.dataSetLength();
            while (left > 0)
            {
                final int n = (int)Math.min(bx.capacity(), left);
                bx.clear().limit(n);
                by.clear().limit(n);
                while (bx.hasRemaining() && x.read(bx, px + bx.position()) > 0)
                {
                    // reading
                }
                while (by.hasRemaining() && y.read(by, py + by.position()) > 0)
                {
                    // reading
                }
                bx.flip();
                by.flip();
                final int mismatch = bx.mismatch(by);
                if (mismatch >= 0)
                {
                    fail("data sets differ at byte " + (px - a.dataSetOffset() + mismatch) + ": " + expected + " vs " +
                        actual);
                }
                px += n;
                py += n;
                left -= n;
            }
        }
    }
}
