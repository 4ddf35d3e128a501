package org.dimse4j.ae;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.Tag;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseHandler;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.dimse.Status;
import org.dimse4j.ul.AcceptorPolicy;
import org.dimse4j.ul.Association;
import org.dimse4j.ul.AssociationSettings;
import org.dimse4j.ul.EventLoop;
import org.dimse4j.ul.SelectorIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A hostile C-GET SCP, built from our own event loop and DIMSE provider with its own handler, answers a C-GET with
 * two C-STORE sub-operations: one whose Affected SOP Instance UID is a path ("../../etc/passwd"), one valid. Our SCU
 * refuses the first with 0x0117 (Invalid Object Instance) and writes nothing for it, anywhere; it stores the second.
 */
@Timeout(60)
class HostileGetScpTest
{
    private static final String STUDY_ROOT_GET = Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET;
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final String HOSTILE_UID = "../../etc/passwd";
    private static final String VALID_UID = "1.2.3.4.5.6.7.8";
    private static final int HOSTILE_MESSAGE_ID = 101;
    private static final int VALID_MESSAGE_ID = 102;

    @TempDir
    Path tmp;

    /** C-STORE-RSP statuses our SCU sent, by the Message ID of the sub-operation. */
    private final Map<Integer, Integer> subOperationStatus = new ConcurrentHashMap<>();

    /** The hostile side: sends both sub-operations once the C-GET identifier is in, then the final C-GET-RSP. */
    private final class HostileGet implements DimseHandler
    {
        private int getMessageId = -1;
        private int getContextId;

        @Override
        public void onCommand(final DimseProvider provider, final Association association, final int contextId,
            final CommandDecoder command)
        {
            if (command.commandField() == CommandField.C_GET_RQ)
            {
                getMessageId = command.messageId();
                getContextId = contextId;
            }
            else if (command.commandField() == CommandField.C_STORE_RSP)
            {
                subOperationStatus.put(command.messageIdBeingRespondedTo(), command.status());
                if (subOperationStatus.size() == 2)
                {
                    final boolean refused = subOperationStatus.get(HOSTILE_MESSAGE_ID) != Status.SUCCESS;
                    provider.beginCommand(association, getContextId)
                        .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, STUDY_ROOT_GET)
                        .putUS(CommandElement.COMMAND_FIELD, CommandField.C_GET_RSP)
                        .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, getMessageId)
                        .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_NONE)
                        .putUS(CommandElement.STATUS, refused ? Status.SUB_OPERATIONS_COMPLETE_WITH_FAILURES :
                            Status.SUCCESS)
                        .putUS(CommandElement.NUMBER_OF_COMPLETED_SUB_OPERATIONS, refused ? 1 : 2)
                        .putUS(CommandElement.NUMBER_OF_FAILED_SUB_OPERATIONS, refused ? 1 : 0)
                        .putUS(CommandElement.NUMBER_OF_WARNING_SUB_OPERATIONS, 0);
                    provider.sendCommand();
                }
            }
        }

        @Override
        public void onDataSetFragment(final DimseProvider provider, final Association association,
            final int contextId, final DirectBuffer buffer, final int offset, final int length, final boolean last)
        {
            if (last && getMessageId >= 0)
            {
                final int storeContext = association.contextIdFor(CT);
                subOperation(provider, association, storeContext, HOSTILE_MESSAGE_ID, HOSTILE_UID);
                subOperation(provider, association, storeContext, VALID_MESSAGE_ID, VALID_UID);
            }
        }

        private void subOperation(final DimseProvider provider, final Association association, final int contextId,
            final int messageId, final String sopInstance)
        {
            provider.beginCommand(association, contextId)
                .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, CT)
                .putUS(CommandElement.COMMAND_FIELD, CommandField.C_STORE_RQ)
                .putUS(CommandElement.MESSAGE_ID, messageId)
                .putUS(CommandElement.PRIORITY, CommandElement.PRIORITY_MEDIUM)
                .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT)
                .putUid(CommandElement.AFFECTED_SOP_INSTANCE_UID, sopInstance);
            provider.sendCommand();
            final DataSet dataSet = new DataSet().putString(Tag.SOP_CLASS_UID, CT)
                .putString(Tag.SOP_INSTANCE_UID, sopInstance).putString(Tag.PATIENT_NAME, "HOSTILE^GET");
            final int encoding = DataSetReader.encodingOf(association.transferSyntax(contextId));
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[dataSet.encodedLength(encoding)]);
            final int length = dataSet.write(bytes, 0, encoding);
            assertEquals(length, provider.sendDataSet(association, contextId, bytes, 0, length), "sent whole");
        }
    }

    @Test
    void shouldRefuseASubOperationWhoseSopInstanceUidIsAPathAndStoreTheValidOne() throws Exception
    {
        final AcceptorPolicy policy = new AcceptorPolicy().aeTitle("HOSTILE")
            .accept(STUDY_ROOT_GET, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN))
            .accept(CT, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN))
            .acceptScuRole(CT);
        final EventLoop loop = new EventLoop("hostile-get-scp", null);
        final ServerSocketChannel listener = ServerSocketChannel.open()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        final int port = ((InetSocketAddress)listener.getLocalAddress()).getPort();
        loop.listen(listener, new EventLoop.Acceptor(new AssociationSettings().conclude(), policy,
            () -> new DimseProvider(new HostileGet()), new EventLoop.ServerCounter(0)));
        final AgentRunner runner = new AgentRunner(new SelectorIdleStrategy(loop.selector(), loop.onWake(), 50_000, 10),
            Throwable::printStackTrace, null, loop);
        AgentRunner.startOnThread(runner);
        // out lies two levels down, so that "../../etc/passwd" would land inside tmp, in a directory that exists
        final Path out = tmp.resolve("a").resolve("b").resolve("get");
        Files.createDirectories(out.resolve("../../etc").normalize());
        try (ClientAssociation scu = ApplicationEntity.named("GETSCU").dimseTimeoutMs(10_000).build()
            .connect("127.0.0.1", port, "HOSTILE", List.of(
                ContextRequest.of(STUDY_ROOT_GET, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)),
                ContextRequest.retrieveStorage(CT, List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN))), null))
        {
            final ClientAssociation.GetResult result = scu.get(STUDY_ROOT_GET,
                new DataSet().putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY").putString(Tag.STUDY_INSTANCE_UID, "1.2.3"),
                out, null);

            assertEquals(Status.INVALID_OBJECT_INSTANCE, subOperationStatus.get(HOSTILE_MESSAGE_ID),
                "the path-like SOP Instance UID is refused with 0x0117");
            assertEquals(Status.SUCCESS, subOperationStatus.get(VALID_MESSAGE_ID), "the valid one is stored");
            assertEquals(Status.SUB_OPERATIONS_COMPLETE_WITH_FAILURES, result.status());
            assertEquals(List.of(out.resolve(VALID_UID + ".dcm")), result.received());
            assertEquals(VALID_UID, Part10Reader.read(out.resolve(VALID_UID + ".dcm")).mediaStorageSopInstanceUid());
            assertFalse(scu.association().isClosed(), "the association goes on");
        }
        finally
        {
            runner.close();
        }
        assertFalse(Files.exists(out.resolve(HOSTILE_UID + ".dcm").normalize()), "nothing where the path points");
        try (Stream<Path> files = Files.walk(tmp))
        {
            assertEquals(List.of(out.resolve(VALID_UID + ".dcm")),
                files.filter(Files::isRegularFile).collect(Collectors.toList()),
                "the only file written, anywhere under the temporary directory, is the valid instance");
        }
    }
}
