package org.dimse4j.ae;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.archive.DirectoryStore;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.SyntheticInstance;
import org.dimse4j.data.Tag;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandEncoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.Status;
import org.dimse4j.pdu.AssociateEncoder;
import org.dimse4j.pdu.AssociatePdu;
import org.dimse4j.pdu.PDataEncoder;
import org.dimse4j.pdu.PduDescriptor;
import org.dimse4j.pdu.PdvDescriptor;
import org.dimse4j.service.InstanceStore;
import org.dimse4j.service.InstanceWriter;
import org.dimse4j.testing.DataSetDigest;
import org.dimse4j.ul.AssociationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The C-GET SCU streams each C-STORE sub-operation's data set into its store: an instance far above the old 8 MiB
 * cap arrives byte for byte, the C-STORE-RSP carries the store's status (0xA700 when the disk fails mid data set,
 * 0x0117 for a SOP Instance UID that is not a UID, both seen on the wire by a scripted peer), and a peer that aborts
 * inside a data set leaves no file, temporary or not.
 */
@Timeout(60)
class GetStreamingTest
{
    private static final String STUDY_ROOT = Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET;
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final String STUDY = "1.2.826.0.1.3680043.9.7777.51";

    @TempDir
    Path tmp;

    private static ClientAssociation connect(final int port) throws IOException
    {
        return ApplicationEntity.named("GETSCU").dimseTimeoutMs(20_000).build().connect("127.0.0.1", port, "QRSCP",
            List.of(ContextRequest.of(STUDY_ROOT, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)),
                ContextRequest.retrieveStorage(CT, TransferSyntax.UNCOMPRESSED)), null);
    }

    private static DataSet studyKeys()
    {
        return new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY").putString(Tag.STUDY_INSTANCE_UID, STUDY);
    }

    private Server qrscp(final Path archive) throws IOException
    {
        final ArchiveIndex index = ArchiveIndex.rebuild(archive);
        return ApplicationEntity.named("QRSCP").queryIndex(index).build()
            .listen(new InetSocketAddress("127.0.0.1", 0));
    }

    @Test
    void shouldGetAnInstanceFarAboveEightMiBByteForByte() throws Exception
    {
        final Path archive = Files.createDirectories(tmp.resolve("archive"));
        final Path source = archive.resolve("big.dcm");
        SyntheticInstance.write(source, CT, STUDY + ".1.1", STUDY, STUDY + ".1", 40L << 20);
        final Path out = tmp.resolve("out");
        try (Server server = qrscp(archive); ClientAssociation assoc = connect(server.port()))
        {
            final ClientAssociation.GetResult result = assoc.get(STUDY_ROOT, studyKeys(), out, null);
            assertEquals(Status.SUCCESS, result.status());
            assertEquals(1, result.completed());
            assertEquals(List.of(out.toAbsolutePath().resolve(STUDY + ".1.1.dcm")), result.received());
            assertArrayEquals(DataSetDigest.of(source), DataSetDigest.of(result.received().get(0)));
            assertEquals(CT, Part10Reader.read(result.received().get(0)).mediaStorageSopClassUid());
        }
        assertEquals(List.of(out.toAbsolutePath().resolve(STUDY + ".1.1.dcm")), filesUnder(out), "no temp file left");
    }

    @Test
    void shouldAnswerOutOfResourcesWhenTheDiskFailsMidDataSet() throws Exception
    {
        final Path archive = Files.createDirectories(tmp.resolve("archive"));
        SyntheticInstance.write(archive.resolve("a.dcm"), CT, STUDY + ".1.1", STUDY, STUDY + ".1", 3 << 20);
        SyntheticInstance.write(archive.resolve("b.dcm"), CT, STUDY + ".1.2", STUDY, STUDY + ".1", 1000);
        final Path out = tmp.resolve("out");
        final DirectoryStore disk = DirectoryStore.of(out);
        final Recording fillsUp = new Recording(disk, 1 << 20); // a disk that fills up after 1 MiB of an instance
        try (Server server = qrscp(archive); ClientAssociation assoc = connect(server.port()))
        {
            final ClientAssociation.GetResult result = assoc.get(STUDY_ROOT, studyKeys(), fillsUp, null);
            assertEquals(Status.SUB_OPERATIONS_COMPLETE_WITH_FAILURES, result.status());
            assertEquals(1, result.completed());
            assertEquals(1, result.failed());
            assertEquals(List.of(STUDY + ".1.1"), result.failedSopInstanceUids());
            assertTrue(result.received().isEmpty(), "a caller's store keeps its own account");
        }
        assertEquals(1, fillsUp.aborted);
        assertEquals(List.of(out.toAbsolutePath().resolve(STUDY + ".1.2.dcm")), filesUnder(out),
            "the failed instance left nothing");
        assertEquals(1, disk.storedCount());
    }

    @Test
    void shouldAnswerInvalidSopInstanceForAUidThatIsNotAUid() throws Exception
    {
        final Path out = tmp.resolve("out");
        try (ScriptedGetScp peer = new ScriptedGetScp())
        {
            final CompletableFuture<Integer> storeStatus = peer.run(scp ->
            {
                scp.sendStoreRq("../../escaped", 200, true);
                final int status = scp.readStoreRspStatus();
                scp.sendGetRsp(Status.SUB_OPERATIONS_COMPLETE_WITH_FAILURES);
                scp.release();
                return status;
            });
            try (ClientAssociation assoc = connect(peer.port()))
            {
                final ClientAssociation.GetResult result = assoc.get(STUDY_ROOT, studyKeys(), out, null);
                assertEquals(Status.SUB_OPERATIONS_COMPLETE_WITH_FAILURES, result.status());
                assertTrue(result.received().isEmpty());
            }
            assertEquals(Status.INVALID_OBJECT_INSTANCE, storeStatus.get(20, TimeUnit.SECONDS));
        }
        assertEquals(List.of(), filesUnder(tmp), "no file made anywhere");
    }

    @Test
    void shouldLeaveNoFileWhenThePeerAbortsInsideADataSet() throws Exception
    {
        final Recording store = new Recording(DirectoryStore.of(tmp.resolve("out")), Long.MAX_VALUE);
        try (ScriptedGetScp peer = new ScriptedGetScp())
        {
            final CompletableFuture<Integer> script = peer.run(scp ->
            {
                scp.sendStoreRq(STUDY + ".1.1", 600_000, false); // the data set's first 600 kB of more
                scp.abort();
                return 0;
            });
            try (ClientAssociation assoc = connect(peer.port()))
            {
                assertThrows(AssociationException.class, () -> assoc.get(STUDY_ROOT, studyKeys(), store, null));
            }
            script.get(20, TimeUnit.SECONDS);
        }
        assertTrue(store.written > 0, "the instance was under way in the store: " + store.written);
        assertEquals(1, store.aborted);
        assertEquals(List.of(), filesUnder(tmp), "no file, temporary or not");
    }

    /** Passes instances to a store, counting the bytes written and the aborts; fails writes past a limit. */
    private static final class Recording implements InstanceStore
    {
        private final InstanceStore store;
        private final long limit;
        long written;
        int aborted;

        Recording(final InstanceStore store, final long limit)
        {
            this.store = store;
            this.limit = limit;
        }

        @Override
        public InstanceWriter open(final StoreRequest request) throws IOException
        {
            final InstanceWriter writer = store.open(request);
            return new InstanceWriter()
            {
                private long instanceBytes;

                @Override
                public void write(final DirectBuffer buffer, final int offset, final int length) throws IOException
                {
                    instanceBytes += length;
                    if (instanceBytes > limit)
                    {
                        throw new IOException("No space left on device");
                    }
                    writer.write(buffer, offset, length);
                    written += length;
                }

                @Override
                public int commit() throws IOException
                {
                    return writer.commit();
                }

                @Override
                public void abort()
                {
                    aborted++;
                    writer.abort();
                }
            };
        }
    }

    private static List<Path> filesUnder(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            return files.filter(Files::isRegularFile).map(Path::toAbsolutePath).sorted().collect(Collectors.toList());
        }
    }

    /**
     * A C-GET SCP written byte by byte over a plain socket: accepts contexts 1 (GET) and 3 (CT storage), waits for
     * the C-GET-RQ's identifier, then runs a script.
     */
    private static final class ScriptedGetScp implements AutoCloseable
    {
        private static final int MAX_PDU = 16384;

        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private Socket socket;
        private DataInputStream in;
        private OutputStream out;
        private final UnsafeBuffer pdu = new UnsafeBuffer(new byte[MAX_PDU + 6]);
        private final UnsafeBuffer command = new UnsafeBuffer(new byte[1024]);

        ScriptedGetScp() throws IOException
        {
        }

        int port()
        {
            return listener.getLocalPort();
        }

        interface Script
        {
            int run(ScriptedGetScp scp) throws Exception;
        }

        CompletableFuture<Integer> run(final Script script)
        {
            final CompletableFuture<Integer> result = new CompletableFuture<>();
            final Thread thread = new Thread(() ->
            {
                try
                {
                    socket = listener.accept();
                    socket.setSoTimeout(20_000);
                    in = new DataInputStream(socket.getInputStream());
                    out = socket.getOutputStream();
                    readPdu(); // A-ASSOCIATE-RQ
                    final AssociatePdu ac = new AssociatePdu().pduType(PduDescriptor.A_ASSOCIATE_AC)
                        .calledAeTitle("QRSCP").callingAeTitle("GETSCU").maxLength(MAX_PDU)
                        .implementationClassUid("1.2.3");
                    for (final int id : new int[] {1, 3})
                    {
                        ac.presentationContexts().add(AssociatePdu.PresentationContext.result(id,
                            AssociatePdu.PresentationContext.ACCEPTANCE, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN));
                    }
                    final UnsafeBuffer encoded = new UnsafeBuffer(new byte[AssociateEncoder.encodedLength(ac)]);
                    out.write(encoded.byteArray(), 0, new AssociateEncoder().encode(ac, encoded, 0));
                    while (readPdv() != PdvDescriptor.LAST)
                    {
                        // the C-GET-RQ's command, until the last fragment of its identifier
                    }
                    result.complete(script.run(this));
                }
                catch (final Throwable ex)
                {
                    result.completeExceptionally(ex);
                }
            }, "scripted-get-scp");
            thread.setDaemon(true);
            thread.start();
            return result;
        }

        /** Sends a C-STORE-RQ on context 3 and {@code length} data set bytes, with the last bit if {@code whole}. */
        void sendStoreRq(final String sopInstance, final int length, final boolean whole) throws IOException
        {
            final CommandEncoder rq = new CommandEncoder().encodeStoreRq(command, 0, CT, sopInstance, 7,
                CommandElement.PRIORITY_MEDIUM);
            send(3, PdvDescriptor.COMMAND | PdvDescriptor.LAST, command, rq.encodedLength());
            final UnsafeBuffer data = new UnsafeBuffer(new byte[8000]);
            for (int sent = 0; sent < length; sent += data.capacity())
            {
                final int n = Math.min(data.capacity(), length - sent);
                send(3, whole && sent + n == length ? PdvDescriptor.LAST : 0, data, n);
            }
        }

        void sendGetRsp(final int status) throws IOException
        {
            final CommandEncoder rsp = new CommandEncoder().wrap(command, 0)
                .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, STUDY_ROOT)
                .putUS(CommandElement.COMMAND_FIELD, CommandField.C_GET_RSP)
                .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, 1)
                .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_NONE)
                .putUS(CommandElement.STATUS, status);
            send(1, PdvDescriptor.COMMAND | PdvDescriptor.LAST, command, rsp.encodedLength());
        }

        /** @return the Status of the next command, which must be a C-STORE-RSP. */
        int readStoreRspStatus() throws IOException
        {
            final int control = readPdv();
            assertEquals(PdvDescriptor.COMMAND | PdvDescriptor.LAST, control);
            final CommandDecoder rsp = new CommandDecoder().wrap(pdu, pdvOffset, pdvLength);
            assertEquals(CommandField.C_STORE_RSP, rsp.commandField());
            assertEquals(7, rsp.messageIdBeingRespondedTo());
            return rsp.status();
        }

        /** Answers the A-RELEASE-RQ with A-RELEASE-RP. */
        void release() throws IOException
        {
            assertEquals(PduDescriptor.A_RELEASE_RQ, readPdu());
            out.write(new byte[] {0x06, 0, 0, 0, 0, 4, 0, 0, 0, 0});
            out.flush();
        }

        /** A-ABORT (service-user), then the connection closes. */
        void abort() throws IOException
        {
            out.write(new byte[] {0x07, 0, 0, 0, 0, 4, 0, 0, 0, 0});
            out.flush();
            socket.close();
        }

        private void send(final int contextId, final int control, final DirectBuffer src, final int length)
            throws IOException
        {
            final PDataEncoder pData = new PDataEncoder().wrap(pdu, 0).putPdv(contextId, control, src, 0, length);
            out.write(pdu.byteArray(), 0, pData.encodedLength());
        }

        private int pdvOffset;
        private int pdvLength;

        /** Reads the next P-DATA-TF (assumed to hold one PDV); @return its control header. */
        private int readPdv() throws IOException
        {
            final int type = readPdu();
            assertEquals(PduDescriptor.P_DATA_TF, type);
            pdvLength = pdu.getInt(6, java.nio.ByteOrder.BIG_ENDIAN) - 2;
            pdvOffset = 12;
            return pdu.getByte(11);
        }

        private int readPdu() throws IOException
        {
            in.readFully(pdu.byteArray(), 0, 6);
            final int length = pdu.getInt(2, java.nio.ByteOrder.BIG_ENDIAN);
            assertTrue(length <= MAX_PDU, "PDU length " + length);
            in.readFully(pdu.byteArray(), 6, length);
            return pdu.getByte(0) & 0xFF;
        }

        @Override
        public void close() throws IOException
        {
            if (socket != null)
            {
                socket.close();
            }
            listener.close();
        }
    }
}
