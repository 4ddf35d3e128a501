package org.dimse4j.ae;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.data.Tag;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandEncoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.Status;
import org.dimse4j.pdu.AssociateDecoder;
import org.dimse4j.pdu.AssociateEncoder;
import org.dimse4j.pdu.AssociatePdu;
import org.dimse4j.pdu.PDataDecoder;
import org.dimse4j.pdu.PDataEncoder;
import org.dimse4j.pdu.PduDescriptor;
import org.dimse4j.pdu.PdvDescriptor;
import org.dimse4j.testing.RawPdu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A C-CANCEL-RQ from a requestor that takes our C-FIND responses slowly but steadily is honoured once what was
 * already queued has gone out. The requestor, a raw socket with a 4 KiB receive buffer (the SCP's sockets get 4 KiB
 * buffers too, so the kernel's share is fixed, not autotuned), lets our SCP fill every buffer, sends the cancel,
 * pauses (as findscu does) and then reads one PDU a millisecond. The responses it gets after the cancel are at most
 * what the kernel's two socket buffers and our send buffer could hold: the SCP produces only while at most a quarter
 * of its send buffer waits, and it reads whenever at most half waits. When services produced up to three quarters,
 * the SCP stayed between half and three quarters without reading as long as the requestor kept taking a little, and
 * the cancel was seen only after every match had gone out.
 */
@Timeout(30)
class CancelUnderBackPressureTest
{
    private static final String STUDY_ROOT = Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND;
    private static final int STUDIES = 2000;
    private static final int SOCKET_BUFFER = 4096;
    private static final int MAX_PDU = 16384;
    private static final int CONTEXT_ID = 1;
    private static final int MESSAGE_ID = 7;
    /** Without reading: long enough for the SCP to fill both sockets and its send buffer, and later to read. */
    private static final long STALL_MS = 200;

    private static ArchiveIndex index(final int studies)
    {
        final ArchiveIndex index = new ArchiveIndex();
        for (int i = 0; i < studies; i++)
        {
            index.add(new DataSet()
                .putString(Tag.PATIENT_NAME, "DOE^JOHN")
                .putString(Tag.PATIENT_ID, "P1")
                .putString(Tag.STUDY_INSTANCE_UID, "1.2.3." + i)
                .putString(Tag.STUDY_DATE, "20240101")
                .putString(Tag.SERIES_INSTANCE_UID, "1.2.3." + i + ".1")
                .putString(Tag.MODALITY, "CT")
                .putString(Tag.SOP_CLASS_UID, "1.2.840.10008.5.1.4.1.1.2")
                .putString(Tag.SOP_INSTANCE_UID, "1.2.3." + i + ".1.1"), null);
        }
        return index;
    }

    @Test
    void shouldHonourTheCancelOfASlowReaderOnceWhatWasQueuedHasGoneOut() throws Exception
    {
        final ApplicationEntity scp = ApplicationEntity.named("QRSCP").queryIndex(index(STUDIES)).build();
        scp.settings().socketBufferSize(SOCKET_BUFFER); // the kernel's share on the SCP side is fixed, not autotuned
        final int scpSendBuffer = reportedSendBuffer(SOCKET_BUFFER);
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0)); Socket socket = new Socket())
        {
            socket.setReceiveBufferSize(SOCKET_BUFFER); // before connect: the window offered in the SYN
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            final int receiveBuffer = socket.getReceiveBufferSize();
            final Requestor scu = new Requestor(socket);
            scu.associate();
            scu.sendFind();

            final Response first = scu.readResponse();
            assertEquals(Status.PENDING, first.status);
            Thread.sleep(STALL_MS); // not reading: every buffer between the SCP's index and us fills up
            scu.sendCancel();
            Thread.sleep(STALL_MS); // still not reading, as findscu after its cancel: nothing drains while the SCP
            // reads the cancel, so what comes before the final response is what was queued when we cancelled

            int afterCancel = 0;
            int smallest = first.bytes;
            int largest = first.bytes;
            Response response = scu.readResponse();
            for (int n = 0; n <= STUDIES && Status.isPending(response.status); n++)
            {
                assertEquals(Status.PENDING, response.status);
                afterCancel++;
                smallest = Math.min(smallest, response.bytes);
                largest = Math.max(largest, response.bytes);
                response = scu.readResponse();
            }
            // as the association sizes its send buffer once it knows our Maximum Length
            final int sendBufferCapacity = Math.max(scp.settings().sendBufferCapacity(), 2 * (MAX_PDU + 6));
            // What was queued: our kernel's receive queue (at most the window we offer, at most SO_RCVBUF), the SCP's
            // kernel send queue (SO_SNDBUF, and a write begun below it may fill one more segment, at most half our
            // window), and the SCP's send buffer: at most a quarter of it and the response begun below that. Linux
            // grants twice the size asked for (its bookkeeping counts overhead) and Java reports the size asked for:
            // twice the reported sizes bound the kernel's queues. (Seen on Linux 6.18: 8192 bytes in the SCP's send
            // queue, 5972 in ours, 177 responses after the cancel; with the old three-quarter limit, all 1999 others
            // and then Success.)
            final int kernelReceive = 2 * receiveBuffer;
            final int kernelSend = 2 * scpSendBuffer + kernelReceive / 2;
            final int queued = kernelReceive + kernelSend + sendBufferCapacity / 4 + largest;
            final int bound = queued / smallest + 1;
            final String figures = afterCancel + " responses after the cancel, final status 0x" +
                Integer.toHexString(response.status) + ", of " + STUDIES + " matches; bound " + bound + " = (" +
                kernelReceive + " + " + kernelSend + " + " + sendBufferCapacity + " / 4 + " + largest + ") / " +
                smallest + " + 1";
            assertEquals(Status.CANCEL, response.status, figures);
            assertTrue(afterCancel <= bound, figures);
            assertTrue(afterCancel * largest > sendBufferCapacity / 4, () -> "the cancel found the SCP held back by a "
                + "quarter-full send buffer: " + figures);
            scu.release();
        }
    }

    /** @return the SO_SNDBUF Java reports for a socket asked for {@code size}, as the SCP's sockets are. */
    private static int reportedSendBuffer(final int size) throws IOException
    {
        try (Socket probe = new Socket())
        {
            probe.setSendBufferSize(size);
            return probe.getSendBufferSize();
        }
    }

    /** One C-FIND-RSP: its status and its bytes on the wire (the P-DATA-TF PDUs of its command and data set). */
    private record Response(int status, int bytes)
    {
    }

    /** The requestor's side, PDU by PDU over a blocking socket. */
    private static final class Requestor
    {
        private final InputStream in;
        private final OutputStream out;
        private final UnsafeBuffer pdu = new UnsafeBuffer(new byte[MAX_PDU + 6]);
        private final UnsafeBuffer command = new UnsafeBuffer(new byte[1024]);
        private final PDataDecoder pData = new PDataDecoder();
        private final CommandDecoder decoder = new CommandDecoder();
        private int commandLength;

        Requestor(final Socket socket) throws IOException
        {
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void associate() throws IOException
        {
            final AssociatePdu rq = new AssociatePdu().pduType(PduDescriptor.A_ASSOCIATE_RQ).calledAeTitle("QRSCP")
                .callingAeTitle("SLOWSCU").maxLength(MAX_PDU).implementationClassUid("1.2.826.0.1.3680043.9.7777.2");
            rq.presentationContexts().add(AssociatePdu.PresentationContext.proposed(CONTEXT_ID, STUDY_ROOT,
                TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN));
            final UnsafeBuffer encoded = new UnsafeBuffer(new byte[AssociateEncoder.encodedLength(rq)]);
            out.write(encoded.byteArray(), 0, new AssociateEncoder().encode(rq, encoded, 0));
            final byte[] ac = RawPdu.read(in);
            assertEquals(PduDescriptor.A_ASSOCIATE_AC, ac[0] & 0xFF, "A-ASSOCIATE-AC");
            final AssociatePdu accepted = new AssociateDecoder().decode(new UnsafeBuffer(ac), 0, ac.length,
                new AssociatePdu());
            assertTrue(accepted.presentationContext(CONTEXT_ID).isAccepted(), accepted::toString);
        }

        void sendFind() throws IOException
        {
            final int encoding = DataSetReader.encodingOf(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
            final DataSet keys = new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY")
                .putString(Tag.STUDY_INSTANCE_UID, null).putString(Tag.PATIENT_NAME, null);
            final UnsafeBuffer identifier = new UnsafeBuffer(new byte[keys.encodedLength(encoding)]);
            keys.write(identifier, 0, encoding);
            final CommandEncoder rq = new CommandEncoder().wrap(command, 0)
                .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, STUDY_ROOT)
                .putUS(CommandElement.COMMAND_FIELD, CommandField.C_FIND_RQ)
                .putUS(CommandElement.MESSAGE_ID, MESSAGE_ID)
                .putUS(CommandElement.PRIORITY, CommandElement.PRIORITY_MEDIUM)
                .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT);
            send(PdvDescriptor.COMMAND | PdvDescriptor.LAST, command, rq.encodedLength());
            send(PdvDescriptor.LAST, identifier, identifier.capacity());
        }

        void sendCancel() throws IOException
        {
            final CommandEncoder rq = new CommandEncoder().wrap(command, 0)
                .putUS(CommandElement.COMMAND_FIELD, CommandField.C_CANCEL_RQ)
                .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, MESSAGE_ID)
                .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_NONE);
            send(PdvDescriptor.COMMAND | PdvDescriptor.LAST, command, rq.encodedLength());
        }

        /** A-RELEASE-RQ, answered by A-RELEASE-RP. */
        void release() throws IOException
        {
            out.write(new byte[] {0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0});
            assertEquals(PduDescriptor.A_RELEASE_RP, RawPdu.read(in)[0] & 0xFF, "A-RELEASE-RP");
        }

        /**
         * Reads P-DATA-TF PDUs, one a millisecond, until a C-FIND-RSP is complete: its command, and its data set
         * when it has one.
         */
        Response readResponse() throws IOException, InterruptedException
        {
            int bytes = 0;
            int status = -1;
            boolean awaitingDataSet = false;
            for (int n = 0; n < 1000; n++)
            {
                final byte[] raw = RawPdu.read(in);
                assertEquals(PduDescriptor.P_DATA_TF, raw[0] & 0xFF, "P-DATA-TF");
                bytes += raw.length;
                pdu.putBytes(0, raw);
                pData.wrap(pdu, 0, raw.length);
                while (pData.nextPdv())
                {
                    assertEquals(CONTEXT_ID, pData.contextId());
                    if (pData.isCommand())
                    {
                        assertEquals(-1, status, "one response at a time");
                        command.putBytes(commandLength, pdu, pData.fragmentOffset(), pData.fragmentLength());
                        commandLength += pData.fragmentLength();
                        if (pData.isLast())
                        {
                            decoder.wrap(command, 0, commandLength);
                            commandLength = 0;
                            assertEquals(CommandField.C_FIND_RSP, decoder.commandField());
                            assertEquals(MESSAGE_ID, decoder.messageIdBeingRespondedTo());
                            status = decoder.status();
                            awaitingDataSet = decoder.hasDataSet();
                        }
                    }
                    else
                    {
                        assertTrue(awaitingDataSet, "a data set after its command");
                        awaitingDataSet = !pData.isLast();
                    }
                }
                Thread.sleep(1);
                if (status >= 0 && !awaitingDataSet)
                {
                    return new Response(status, bytes);
                }
            }
            return fail("no whole C-FIND-RSP in 1000 PDUs");
        }

        private void send(final int control, final UnsafeBuffer src, final int length) throws IOException
        {
            final PDataEncoder encoder = new PDataEncoder().wrap(pdu, 0).putPdv(CONTEXT_ID, control, src, 0, length);
            out.write(pdu.byteArray(), 0, encoder.encodedLength());
        }
    }
}
