package org.dimse4j.ae;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.MessageQueue;
import org.dimse4j.dimse.Status;
import org.dimse4j.service.Verification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The pynetdicom-like low-level API: beginMsg/sendMsg, peekMsg, getMsg.
 */
@Timeout(60)
class LowLevelDimseTest
{
    private static final String STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1";

    @Test
    void shouldSendAndReceiveMessagesThroughTheQueue() throws Exception
    {
        final ApplicationEntity scp = ApplicationEntity.named("SCP").acceptVerification()
            .acceptAny(TransferSyntax.UNCOMPRESSED).build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0));
            ClientAssociation assoc = ApplicationEntity.named("SCU").dimseTimeoutMs(10_000).build()
                .connect("127.0.0.1", server.port(), "SCP", ContextRequest.of(Verification.SOP_CLASS),
                    ContextRequest.of(STUDY_ROOT_FIND, TransferSyntax.DEFAULT)))
        {
            assertNull(assoc.getMsg(false), "nothing yet");

            final int echoId = assoc.nextMessageId();
            assoc.beginMsg(1)
                .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, Verification.SOP_CLASS)
                .putUS(CommandElement.COMMAND_FIELD, CommandField.C_ECHO_RQ)
                .putUS(CommandElement.MESSAGE_ID, echoId)
                .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_NONE);
            assoc.sendMsg();
            final long deadline = System.nanoTime() + 10_000_000_000L;
            int peeked;
            while ((peeked = assoc.peekMsg()) < 0 && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            assertEquals(CommandField.C_ECHO_RSP, peeked, "peekMsg sees it without taking it");
            MessageQueue.ReceivedMessage msg = assoc.getMsg(true);
            assertNotNull(msg);
            assertEquals(1, msg.contextId());
            assertEquals(CommandField.C_ECHO_RSP, msg.command().commandField());
            assertEquals(echoId, msg.command().messageIdBeingRespondedTo());
            assertEquals(Status.SUCCESS, msg.command().status());
            assertFalse(msg.hasDataSet());

            // a C-FIND-RQ with an identifier: this SCP does not offer C-FIND, so it answers 0x0211
            final UnsafeBuffer identifier = new UnsafeBuffer(new byte[] {
                0x10, 0x00, 0x10, 0x00, 0x04, 0x00, 0x00, 0x00, 'D', 'O', 'E', '*'});
            final int findId = assoc.nextMessageId();
            assoc.beginMsg(3)
                .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, STUDY_ROOT_FIND)
                .putUS(CommandElement.COMMAND_FIELD, CommandField.C_FIND_RQ)
                .putUS(CommandElement.MESSAGE_ID, findId)
                .putUS(CommandElement.PRIORITY, CommandElement.PRIORITY_MEDIUM)
                .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT);
            assoc.sendMsg(identifier, 0, identifier.capacity());
            msg = assoc.getMsg(true);
            assertNotNull(msg);
            assertEquals(3, msg.contextId());
            assertEquals(CommandField.C_FIND_RSP, msg.command().commandField());
            assertEquals(findId, msg.command().messageIdBeingRespondedTo());
            assertEquals(Status.UNRECOGNIZED_OPERATION, msg.command().status());

            assertEquals(0, assoc.echo(), "the association is still healthy");
            assoc.release();
        }
    }
}
