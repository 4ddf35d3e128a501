package org.dimse4j.archive;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.ae.Server;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.Part10Writer;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.service.StoredInstance;
import org.dimse4j.testing.TruncatedStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our storage SCU sends Part 10 files to our storage SCP; every stored data set must equal the sent one byte for
 * byte, and nothing partial may be left behind.
 */
@Timeout(120)
class StorageLoopbackTest
{
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final String MR = "1.2.840.10008.5.1.4.1.1.4";

    @TempDir
    Path temp;

    /**
     * Writes a small but valid Implicit VR Little Endian instance with {@code pixelBytes} of pixel data.
     */
    static Path instance(final Path dir, final String sopClass, final String sopInstance, final int pixelBytes,
        final long seed) throws IOException
    {
        final ByteBuffer ds = ByteBuffer.allocate(256 + pixelBytes).order(ByteOrder.LITTLE_ENDIAN);
        element(ds, 0x00080016, sopClass);
        element(ds, 0x00080018, sopInstance);
        element(ds, 0x00100010, "TEST^PATIENT");
        element(ds, 0x0020000D, "1.2.3.4.5");
        element(ds, 0x0020000E, "1.2.3.4.5.6");
        ds.putShort((short)0x7FE0).putShort((short)0x0010).putInt(pixelBytes);
        final byte[] pixels = new byte[pixelBytes];
        new Random(seed).nextBytes(pixels);
        ds.put(pixels);
        final UnsafeBuffer meta = new UnsafeBuffer(new byte[1024]);
        final int metaLength = Part10Writer.writeMeta(meta, 0, sopClass, sopInstance,
            TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, "TESTSCU");
        final Path file = dir.resolve(sopInstance + ".dcm");
        final byte[] bytes = new byte[metaLength + ds.position()];
        meta.getBytes(0, bytes, 0, metaLength);
        System.arraycopy(ds.array(), 0, bytes, metaLength, ds.position());
        Files.write(file, bytes);
        return file;
    }

    private static void element(final ByteBuffer ds, final int tag, final String value)
    {
        final int length = (value.length() + 1) & ~1;
        ds.putShort((short)(tag >>> 16)).putShort((short)tag).putInt(length);
        for (int i = 0; i < length; i++)
        {
            ds.put((byte)(i < value.length() ? value.charAt(i) : (tag == 0x00100010 ? ' ' : 0)));
        }
    }

    static byte[] dataSet(final Path file) throws IOException
    {
        final Part10Info info = Part10Reader.read(file);
        final byte[] all = Files.readAllBytes(file);
        return java.util.Arrays.copyOfRange(all, info.dataSetOffset(), all.length);
    }

    @Test
    void shouldStoreEveryInstanceByteForByte() throws Exception
    {
        final Path source = Files.createDirectories(temp.resolve("source"));
        final Path archive = temp.resolve("archive");
        final List<StoredInstance> stored = new CopyOnWriteArrayList<>();
        final DirectoryStore store = new DirectoryStore(archive, DirectoryStore.Durability.FSYNC_RENAME,
            DirectoryStore.Duplicates.OVERWRITE, stored::add);
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE").maxPduLength(16384)
            .acceptStorage(TransferSyntax.ALL_KNOWN, store).build();
        final ApplicationEntity scu = ApplicationEntity.named("MODALITY").maxPduLength(4096).dimseTimeoutMs(30_000)
            .build();
        final int[] sizes = {0, 2, 4096, 16372, 16374, 100_000, 3_000_000};
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = scu.connect("127.0.0.1", server.port(), "ARCHIVE",
                ContextRequest.of(CT, TransferSyntax.DEFAULT), ContextRequest.of(MR, TransferSyntax.DEFAULT)))
        {
            for (int i = 0; i < sizes.length; i++)
            {
                final Path file = instance(source, i % 2 == 0 ? CT : MR, "1.2.826.0.1.3680043.2.1143." + (i + 1),
                    sizes[i], i);
                assertEquals(0, assoc.store(file), "status for " + sizes[i] + " pixel bytes");
                final Path target = store.pathOf("1.2.826.0.1.3680043.2.1143." + (i + 1));
                assertArrayEquals(dataSet(file), dataSet(target), "stored data set of " + sizes[i] + " bytes");
                final Part10Info info = Part10Reader.read(target);
                assertEquals(i % 2 == 0 ? CT : MR, info.mediaStorageSopClassUid());
                assertEquals(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, info.transferSyntaxUid());
                assertEquals("MODALITY", info.sourceApplicationEntityTitle());
            }
            assoc.release();
        }
        assertEquals(sizes.length, stored.size(), "the listener saw every durable instance");
        assertEquals(sizes.length, store.storedCount());
        try (Stream<Path> partial = Files.list(archive.resolve(".incoming")))
        {
            assertEquals(0, partial.count(), "no partial file left");
        }
    }

    /** An announced Maximum Length above the A-ASSOCIATE limit (256 KiB) once capped what we would receive. */
    @Test
    void shouldReceivePDataUpToTheAnnouncedMaximumLengthAboveTheAssociateLimit() throws Exception
    {
        final Path source = Files.createDirectories(temp.resolve("source"));
        final DirectoryStore store = DirectoryStore.of(temp.resolve("archive"));
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE").maxPduLength(1 << 20)
            .acceptStorage(TransferSyntax.ALL_KNOWN, store).build();
        final Path file = instance(source, CT, "1.2.826.0.1.3680043.2.1143.77", 3_000_000, 7);
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = ApplicationEntity.named("MODALITY").dimseTimeoutMs(30_000).build()
                .connect("127.0.0.1", server.port(), "ARCHIVE", ContextRequest.of(CT, TransferSyntax.DEFAULT)))
        {
            assertTrue(assoc.association().peerMaxPduLength() > 512 * 1024, "the SCU sends PDUs of up to 1 MiB");
            assertEquals(0, assoc.store(file));
            assertArrayEquals(dataSet(file), dataSet(store.pathOf("1.2.826.0.1.3680043.2.1143.77")));
            assoc.release();
        }
    }

    @Test
    void shouldRefuseAFileWithoutAMatchingContextWithoutTranscoding() throws Exception
    {
        final Path file = instance(Files.createDirectories(temp.resolve("s")), CT, "1.2.3.4.5.6", 100, 1);
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE")
            .acceptStorage(List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), DirectoryStore.of(temp.resolve("a")))
            .build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = ApplicationEntity.named("SCU").build().connect("127.0.0.1", server.port(),
                "ARCHIVE", ContextRequest.of(CT, TransferSyntax.UNCOMPRESSED)))
        {
            final IOException ex = assertThrows(IOException.class, () -> assoc.store(file));
            assertTrue(ex.getMessage().contains("never transcoded"), ex.getMessage());
        }
    }

    @Test
    void shouldLeaveNoFileWhenThePeerVanishesMidDataSet() throws Exception
    {
        final Path archive = temp.resolve("archive");
        final DirectoryStore store = DirectoryStore.of(archive);
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE")
            .acceptStorage(TransferSyntax.ALL_KNOWN, store).build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            final ClientAssociation assoc = ApplicationEntity.named("SCU").build().connect("127.0.0.1",
                server.port(), "ARCHIVE", ContextRequest.of(CT, TransferSyntax.DEFAULT));
            // half a data set: fragments without the last bit, then the connection is dropped
            TruncatedStore.send(assoc, CT, "1.2.3.999");
            final long partialSeen = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < partialSeen && countIncoming(archive) == 0)
            {
                Thread.sleep(5);
            }
            assertEquals(1, countIncoming(archive), "the instance was being written");
            assoc.association().close();
            final long closed = System.nanoTime() + 10_000_000_000L;
            while ((server.openAssociations() > 0 || countIncoming(archive) > 0) && System.nanoTime() < closed)
            {
                Thread.sleep(5);
            }
            assertEquals(0, server.openAssociations());
            assertEquals(0, countIncoming(archive), "partial file removed");
            assertFalse(Files.exists(store.pathOf("1.2.3.999")), "nothing stored");
        }
    }

    private static long countIncoming(final Path archive) throws IOException
    {
        try (Stream<Path> files = Files.list(archive.resolve(".incoming")))
        {
            return files.count();
        }
    }

    @Test
    void shouldPipelineStoresWithinTheNegotiatedWindow() throws Exception
    {
        final Path source = Files.createDirectories(temp.resolve("source"));
        final List<Path> files = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            files.add(instance(source, CT, "1.2.826.0.1.3680043.2.1143.7." + (i + 1), 4096, i));
        }
        final DirectoryStore store = DirectoryStore.of(temp.resolve("archive"));
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE").asyncOperationsWindow(1, 16)
            .acceptStorage(TransferSyntax.ALL_KNOWN, store).build();
        final ApplicationEntity scu = ApplicationEntity.named("MODALITY").requestAsyncWindow(64)
            .dimseTimeoutMs(30_000).build();
        final List<Integer> statuses = new CopyOnWriteArrayList<>();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = scu.connect("127.0.0.1", server.port(), "ARCHIVE",
                ContextRequest.of(CT, TransferSyntax.DEFAULT)))
        {
            assertEquals(16, assoc.window(), "our 64 capped by the acceptor's 16");
            assertEquals(0, assoc.storeAll(files, (file, status, error) -> statuses.add(status)));
            assoc.release();
        }
        assertEquals(200, statuses.size());
        assertTrue(statuses.stream().allMatch(s -> s == 0), statuses.toString());
        for (final Path file : files)
        {
            final String uid = file.getFileName().toString().replace(".dcm", "");
            assertArrayEquals(dataSet(file), dataSet(store.pathOf(uid)), uid);
        }
    }

    @Test
    void shouldFileByStudyAndSeriesAndCheckIdentity() throws Exception
    {
        final Path source = Files.createDirectories(temp.resolve("source"));
        final Path good = instance(source, CT, "1.2.840.99.1", 1000, 1);
        // a file whose meta group claims another instance than its data set holds
        final Path liar = instance(source, CT, "1.2.840.99.2", 1000, 2);
        final byte[] bytes = Files.readAllBytes(liar);
        final byte[] from = "1.2.840.99.2".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final byte[] to = "1.2.840.99.3".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final int at = lastIndexOf(bytes, from);
        System.arraycopy(to, 0, bytes, at, to.length);
        Files.write(liar, bytes);

        final DirectoryStore store = DirectoryStore.of(temp.resolve("archive"))
            .layout(DirectoryStore.Layout.STUDY_SERIES_INSTANCE).checkIdentity(true);
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE")
            .acceptStorage(TransferSyntax.ALL_KNOWN, store).build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = ApplicationEntity.named("SCU").dimseTimeoutMs(10_000).build().connect(
                "127.0.0.1", server.port(), "ARCHIVE", ContextRequest.of(CT, TransferSyntax.DEFAULT)))
        {
            assertEquals(0, assoc.store(good));
            assertArrayEquals(dataSet(good), dataSet(store.pathOf("1.2.3.4.5", "1.2.3.4.5.6", "1.2.840.99.1")));
            assertEquals(0xA900, assoc.store(liar), "data set does not match what the C-STORE-RQ announced");
            assertFalse(Files.exists(store.pathOf("1.2.3.4.5", "1.2.3.4.5.6", "1.2.840.99.2")));
            assertEquals(0, countIncoming(temp.resolve("archive")));
        }
    }

    private static int lastIndexOf(final byte[] haystack, final byte[] needle)
    {
        for (int i = haystack.length - needle.length; i >= 0; i--)
        {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length))
            {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void shouldStoreADataSetProducedByTheCallersSource() throws Exception
    {
        final byte[] expected = Files.readAllBytes(instance(Files.createDirectories(temp.resolve("s")), CT,
            "1.2.840.99.77", 1_000_000, 77));
        final byte[] dataSet = dataSet(temp.resolve("s").resolve("1.2.840.99.77.dcm"));
        final DirectoryStore store = DirectoryStore.of(temp.resolve("archive"));
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE")
            .acceptStorage(TransferSyntax.ALL_KNOWN, store).build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = ApplicationEntity.named("SCU").dimseTimeoutMs(10_000).build().connect(
                "127.0.0.1", server.port(), "ARCHIVE", ContextRequest.of(CT, TransferSyntax.DEFAULT)))
        {
            final int id = assoc.nextMessageId();
            assoc.beginMsg(1)
                .putUid(org.dimse4j.dimse.CommandElement.AFFECTED_SOP_CLASS_UID, CT)
                .putUS(org.dimse4j.dimse.CommandElement.COMMAND_FIELD, org.dimse4j.dimse.CommandField.C_STORE_RQ)
                .putUS(org.dimse4j.dimse.CommandElement.MESSAGE_ID, id)
                .putUS(org.dimse4j.dimse.CommandElement.PRIORITY, 0)
                .putUS(org.dimse4j.dimse.CommandElement.COMMAND_DATA_SET_TYPE, 1)
                .putUid(org.dimse4j.dimse.CommandElement.AFFECTED_SOP_INSTANCE_UID, "1.2.840.99.77");
            final int[] position = {0};
            assoc.sendMsg(new org.dimse4j.dimse.DataSetSource()
            {
                @Override
                public long remaining()
                {
                    return dataSet.length - position[0];
                }

                @Override
                public void read(final org.agrona.MutableDirectBuffer dst, final int offset, final int length)
                {
                    dst.putBytes(offset, dataSet, position[0], length);
                    position[0] += length;
                }
            });
            final org.dimse4j.dimse.MessageQueue.ReceivedMessage rsp = assoc.getMsg(true);
            assertNotNull(rsp);
            assertEquals(org.dimse4j.dimse.CommandField.C_STORE_RSP, rsp.command().commandField());
            assertEquals(id, rsp.command().messageIdBeingRespondedTo());
            assertEquals(0, rsp.command().status());
        }
        assertArrayEquals(dataSet, dataSet(store.pathOf("1.2.840.99.77")));
        assertTrue(expected.length > dataSet.length);
    }

    @Test
    void shouldPipelineLargeInstancesWhileTheSendBufferIsStillDraining() throws Exception
    {
        // responses read while waiting for send room must not leave a pending entry behind (a former deadlock)
        final Path source = Files.createDirectories(temp.resolve("source"));
        final List<Path> files = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++)
        {
            files.add(instance(source, CT, "1.2.826.0.1.3680043.2.1143.8." + (i + 1), 400_000, i));
        }
        final DirectoryStore store = DirectoryStore.of(temp.resolve("archive"));
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE").maxPduLength(131072)
            .acceptStorage(TransferSyntax.ALL_KNOWN, store).build();
        final ApplicationEntity scu = ApplicationEntity.named("MODALITY").maxPduLength(131072).requestAsyncWindow(16)
            .dimseTimeoutMs(20_000).build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = scu.connect("127.0.0.1", server.port(), "ARCHIVE",
                ContextRequest.of(CT, TransferSyntax.DEFAULT)))
        {
            for (int round = 0; round < 3; round++)
            {
                final List<Integer> statuses = new CopyOnWriteArrayList<>();
                assertEquals(0, assoc.storeAll(files, (file, status, error) -> statuses.add(status)));
                assertEquals(60, statuses.size());
            }
            assoc.release();
        }
        assertEquals(180, store.storedCount());
    }
}
