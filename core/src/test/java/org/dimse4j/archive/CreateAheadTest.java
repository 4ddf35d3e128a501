package org.dimse4j.archive;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.service.InstanceStore;
import org.dimse4j.service.InstanceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link DirectoryStore#createAhead(int)}: instances are written into files the background thread made, stored
 * byte for byte as without it, and no temporary file outlives the store.
 */
@Timeout(60)
class CreateAheadTest
{
    private static final String SC = "1.2.840.10008.5.1.4.1.1.7";

    @TempDir
    Path temp;

    @Test
    void shouldStoreIntoFilesCreatedAheadAndRemoveTheUnusedOnClose() throws Exception
    {
        final Path archive = temp.resolve("archive");
        final DirectoryStore store = DirectoryStore.of(archive).createAhead(4);
        awaitReady(store, 4);
        assertEquals(4, incoming(archive).size(), "four empty files wait in .incoming");

        for (int i = 1; i <= 10; i++)
        {
            final byte[] dataSet = dataSet(i);
            final InstanceWriter writer = store.open(request("1.2.3." + i));
            final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(dataSet.length));
            buffer.putBytes(0, dataSet);
            writer.write(buffer, 0, 100);
            writer.write(buffer, 100, dataSet.length - 100);
            assertEquals(0, writer.commit());
            final Path stored = store.pathOf("1.2.3." + i);
            final Part10Info info = Part10Reader.read(stored);
            assertEquals("1.2.3." + i, info.mediaStorageSopInstanceUid());
            final byte[] all = Files.readAllBytes(stored);
            assertArrayEquals(dataSet, Arrays.copyOfRange(all, info.dataSetOffset(), all.length));
        }
        assertEquals(10, store.storedCount());
        final InstanceWriter empty = store.open(request("1.2.3.50"));
        empty.write(new UnsafeBuffer(ByteBuffer.allocateDirect(8)), 0, 0);
        assertEquals(0, empty.commit());
        final Part10Info emptyInfo = Part10Reader.read(store.pathOf("1.2.3.50"));
        assertEquals(Files.size(store.pathOf("1.2.3.50")), emptyInfo.dataSetOffset(), "the meta group, no data set");
        awaitSettled(store, archive);

        final InstanceWriter aborted = store.open(request("1.2.3.99"));
        aborted.write(new UnsafeBuffer(new byte[64]), 0, 64);
        aborted.abort();
        awaitSettled(store, archive); // would time out if the aborted instance's file were left beside the ready ones
        assertFalse(Files.exists(store.pathOf("1.2.3.99")));

        assertEquals(8, subdirectories(archive).size(), "ahead-0..7");
        store.close();
        assertEquals(List.of(), incoming(archive), "close removes the files not used");
        assertEquals(List.of(), subdirectories(archive), "and their directories");
        final InstanceWriter after = store.open(request("1.2.3.100"));
        after.write(new UnsafeBuffer(dataSet(100)), 0, dataSet(100).length);
        assertEquals(0, after.commit(), "a closed pool leaves each instance to create its own file");
        assertTrue(Files.exists(store.pathOf("1.2.3.100")));
        assertEquals(List.of(), incoming(archive));
    }

    @Test
    void shouldRemoveFilesLeftByACrashAndRefuseASecondPool() throws Exception
    {
        final Path archive = temp.resolve("archive");
        Files.createDirectories(archive.resolve(".incoming"));
        Files.write(archive.resolve(".incoming").resolve("1.2.3-7.part"), new byte[]{1, 2, 3});
        Files.createDirectories(archive.resolve(".incoming/ahead-1"));
        Files.write(archive.resolve(".incoming/ahead-1/40.part"), new byte[0]);
        try (DirectoryStore store = DirectoryStore.of(archive))
        {
            assertEquals(List.of(), incoming(archive), "a new store deletes what an earlier run left");
            assertTrue(DirectoryStore.isTemporary(archive.resolve(".incoming/ahead-1/40.part")));
            assertTrue(DirectoryStore.isTemporary(archive.resolve(".incoming/1.2.3-7.part")));
            assertFalse(DirectoryStore.isTemporary(archive.resolve("1.2.3.dcm")));
            store.createAhead(2);
            assertThrows(IllegalStateException.class, () -> store.createAhead(2));
            assertThrows(IllegalArgumentException.class, () -> DirectoryStore.of(temp.resolve("b")).createAhead(1));
        }
        assertEquals(List.of(), incoming(archive));
    }

    private static InstanceStore.StoreRequest request(final String sopInstanceUid)
    {
        return new InstanceStore.StoreRequest(SC, sopInstanceUid, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, "SCU",
            "SCP");
    }

    private static byte[] dataSet(final int seed)
    {
        final byte[] bytes = new byte[1000 + seed];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(i * 31 + seed);
        }
        return bytes;
    }

    /** @return the files under .incoming, its subdirectories included. */
    private static List<Path> incoming(final Path archive) throws IOException
    {
        try (Stream<Path> files = Files.walk(archive.resolve(".incoming")))
        {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static List<Path> subdirectories(final Path archive) throws IOException
    {
        try (Stream<Path> files = Files.list(archive.resolve(".incoming")))
        {
            return files.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** Waits until the pool is above half and every file under .incoming is a ready one. */
    private static void awaitSettled(final DirectoryStore store, final Path archive) throws Exception
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (store.readyCount() <= 2 || incoming(archive).size() != store.readyCount())
        {
            assertTrue(System.nanoTime() < deadline, "ready " + store.readyCount() + ", files " +
                incoming(archive) + " after 10 s");
            Thread.sleep(5);
        }
    }

    private static void awaitReady(final DirectoryStore store, final int files) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (store.readyCount() < files)
        {
            assertTrue(System.nanoTime() < deadline, "the pool was not filled within 10 s");
            Thread.sleep(5);
        }
    }
}
