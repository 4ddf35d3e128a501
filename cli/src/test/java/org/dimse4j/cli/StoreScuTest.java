package org.dimse4j.cli;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.ae.Server;
import org.dimse4j.archive.DirectoryStore;
import org.dimse4j.data.StorageSopClasses;
import org.dimse4j.data.TransferSyntax;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * storescu's planning: presentation contexts per (SOP class, transfer syntax), at most 128 per association.
 */
class StoreScuTest
{
    @TempDir
    Path temp;

    private static StoreScu.Instance instance(final String sopClass, final String ts, final int n)
    {
        return new StoreScu.Instance(Path.of(n + ".dcm"), sopClass, "1.2.3." + n, ts, 100);
    }

    @Test
    void shouldProposeOnlyTheFilesTransferSyntaxPerContextAndImplicitOncePerSopClass()
    {
        final String ct = "1.2.840.10008.5.1.4.1.1.2";
        final List<StoreScu.Instance> batch = List.of(
            instance(ct, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 1),
            instance(ct, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 2),
            instance(ct, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, 3),
            instance(ct, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, 4),
            instance(ct, TransferSyntax.JPEG_LOSSLESS_SV1, 5));
        assertEquals(List.of(
            ContextRequest.of(ct, List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)),
            ContextRequest.of(ct, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)),
            ContextRequest.of(ct, List.of(TransferSyntax.EXPLICIT_VR_BIG_ENDIAN)),
            ContextRequest.of(ct, List.of(TransferSyntax.JPEG_LOSSLESS_SV1))), StoreScu.contexts(batch),
            "Implicit VR Little Endian is already proposed by a file: no extra context");
        final String mr = "1.2.840.10008.5.1.4.1.1.4";
        assertEquals(List.of(
            ContextRequest.of(mr, List.of(TransferSyntax.JPEG_LOSSLESS_SV1)),
            ContextRequest.of(mr, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN))),
            StoreScu.contexts(List.of(instance(mr, TransferSyntax.JPEG_LOSSLESS_SV1, 9))),
            "PS3.5 10.1: Implicit VR Little Endian offered for every abstract syntax");
    }

    @Test
    void shouldSplitFilesNeedingMoreThan128ContextsOverSeveralAssociationsInOrder()
    {
        final List<StoreScu.Instance> all = new ArrayList<>();
        for (int i = 0; i < 600; i++)
        {
            all.add(instance(StorageSopClasses.ALL.get(i % 150), TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, i));
        }
        final List<List<StoreScu.Instance>> batches = StoreScu.batches(all);
        final List<StoreScu.Instance> again = new ArrayList<>();
        for (final List<StoreScu.Instance> batch : batches)
        {
            final int contexts = StoreScu.contexts(batch).size();
            assertTrue(contexts >= 1 && contexts <= StoreScu.MAX_CONTEXTS, "contexts in a batch: " + contexts);
            again.addAll(batch);
        }
        assertEquals(all, again, "every file once, in order");
        assertEquals(5, batches.size(), "128 + 22/106 + 44/84 + 66/62 + 88");
        assertEquals(1, StoreScu.batches(all.subList(0, 128)).size());
        assertEquals(2, StoreScu.batches(all.subList(0, 129)).size());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldSendFilesOf130SopClassesOverTwoAssociations() throws Exception
    {
        final Path source = Files.createDirectories(temp.resolve("source"));
        final Set<String> uids = new HashSet<>();
        for (int i = 0; i < 130; i++)
        {
            final String sopClass = StorageSopClasses.ALL.get(i);
            final String uid = "1.2.826.0.1.3680043.9.7777.6." + (i + 1);
            uids.add(uid);
            write(source.resolve(i + ".dcm"), sopClass, uid);
        }
        final DirectoryStore store = DirectoryStore.of(temp.resolve("archive"));
        final ApplicationEntity scp = ApplicationEntity.named("ARCHIVE")
            .acceptStorage(TransferSyntax.ALL_KNOWN, store).build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            final int code = Main.run("storescu", "-aec", "ARCHIVE", "127.0.0.1", String.valueOf(server.port()),
                source.toString());
            assertEquals(0, code, "storescu exit code");
        }
        assertEquals(130, store.storedCount());
        for (final String uid : uids)
        {
            assertTrue(Files.isRegularFile(store.pathOf(uid)), uid);
        }
    }

    private static void write(final Path file, final String sopClass, final String uid) throws Exception
    {
        final UnsafeBuffer meta = new UnsafeBuffer(new byte[1024]);
        final int metaLength = org.dimse4j.data.Part10Writer.writeMeta(meta, 0, sopClass, uid,
            TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, null);
        final ByteBuffer ds = ByteBuffer.allocate(metaLength + 256).order(ByteOrder.LITTLE_ENDIAN);
        final byte[] head = new byte[metaLength];
        meta.getBytes(0, head);
        ds.put(head);
        element(ds, 0x00080016, sopClass);
        element(ds, 0x00080018, uid);
        Files.write(file, java.util.Arrays.copyOf(ds.array(), ds.position()));
    }

    private static void element(final ByteBuffer ds, final int tag, final String value)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        final int length = (bytes.length + 1) & ~1;
        ds.putShort((short)(tag >>> 16)).putShort((short)tag).putInt(length).put(bytes);
        if (length > bytes.length)
        {
            ds.put((byte)0);
        }
    }
}
