package org.dimse4j.ae;

import org.agrona.DirectBuffer;
import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.archive.ArchiveIndex.Level;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetException;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.Tag;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.dimse.Status;
import org.dimse4j.pdu.AssociatePdu;
import org.dimse4j.ul.Association;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The Query/Retrieve C-GET SCP of one association (Patient Root and Study Root GET), over an {@link ArchiveIndex};
 * driven by {@link ServiceDispatcher} on the association's I/O thread, like {@link FindService}.
 * <p>
 * The identifier is gathered and checked as for C-FIND (level PATIENT (Patient Root only), STUDY, SERIES or IMAGE;
 * the unique keys of the levels above the requested one must have values); the instances to send are those whose
 * unique keys, from the model's top level down to the requested level, match the identifier's (a UID list matches
 * any of its UIDs). Then, one at a time, each instance goes out as a C-STORE sub-operation on this association:
 * <ul>
 *     <li>on a context accepted for its SOP class with the transfer syntax of its file (never transcoded), whose
 *     SCP role the requestor was granted in role selection; without one, the sub-operation counts as failed;</li>
 *     <li>the C-STORE-RQ carries the C-GET's Priority; its data set streams from the file straight into the send
 *     buffer, as much as fits each duty cycle;</li>
 *     <li>its C-STORE-RSP ({@link #onStoreResponse}) counts it completed, warning or failed, and a Pending C-GET-RSP
 *     with the four counters follows each sub-operation.</li>
 * </ul>
 * A C-CANCEL-RQ is honoured between sub-operations: final status Cancel (0xFE00) with the counters. The final
 * response is Success when every sub-operation completed, 0xB000 when some failed or had warnings, 0xA702 when all
 * failed; the last two (and Cancel with failures) carry the Failed SOP Instance UID List (0008,0058).
 * <p>
 * <b>One C-GET at a time per association</b> (the default asynchronous operations window): a C-GET-RQ arriving
 * while another is under way is refused with 0xA702 once the current sub-operation's message is out (messages are
 * never interleaved). The matches are resolved in full when the identifier arrives (a linear scan of the index).
 * Each sub-operation reads its file's head ({@link Part10Reader#read}) on the I/O thread. A C-FIND running on the
 * same association at the same time (a window larger than 1) is not coordinated with it: their messages could
 * interleave, so do not negotiate such a window for C-GET.
 */
final class GetService
{
    private static final Logger LOG = LoggerFactory.getLogger(GetService.class);

    /** Most steps (PDU batches, responses, sub-operations begun) in one duty cycle. */
    private static final int MAX_WORK_PER_TICK = 64;

    private final ArchiveIndex index;
    private final IdentifierAssembler identifierAssembler = new IdentifierAssembler();
    private final RetrieveResponder responder = new RetrieveResponder();
    private boolean receiving;
    private boolean active;
    private int contextId;
    private int messageId;
    private int priority;
    private String sopClass;
    private boolean patientRoot;
    private int failStatus = -1;
    private String failError;

    private List<ArchiveIndex.Entry> entries;
    private int next;
    private int completed;
    private int failed;
    private int warning;
    private final List<String> failedUids = new ArrayList<>();
    private boolean pendingDue;

    private FileChannel file;
    private long filePosition;
    private long fileRemaining;
    private int subContextId;
    private int subMessageId = -1;
    private boolean awaitingStoreResponse;
    private String subInstance;

    private boolean finishing;

    private int refuseMessageId = -1;
    private int refuseContextId;

    GetService(final ArchiveIndex index)
    {
        this.index = index;
    }

    /**
     * @param sopClass an abstract syntax.
     * @return true for Patient Root and Study Root Query/Retrieve GET.
     */
    static boolean isGetModel(final String sopClass)
    {
        return Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET.equals(sopClass) ||
            Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET.equals(sopClass);
    }

    /** @return true while a C-GET-RQ's identifier is arriving. */
    boolean isReceiving()
    {
        return receiving;
    }

    /**
     * @param messageIdBeingRespondedTo of a C-STORE-RSP.
     * @return true if it answers our current sub-operation.
     */
    boolean isAwaiting(final int messageIdBeingRespondedTo)
    {
        return awaitingStoreResponse && messageIdBeingRespondedTo == subMessageId;
    }

    void onRequest(final DimseProvider provider, final Association association, final int contextId,
        final CommandDecoder command)
    {
        if (active || receiving)
        {
            LOG.warn("{}: C-GET-RQ while another C-GET is under way; refusing it", association.name());
            refuseMessageId = command.messageId();
            refuseContextId = contextId;
            if (command.hasDataSet())
            {
                LOG.debug("{}: the refused C-GET's identifier is ignored", association.name());
            }
            return;
        }
        this.contextId = contextId;
        this.messageId = command.messageId();
        this.priority = command.priority() < 0 ? CommandElement.PRIORITY_MEDIUM : command.priority();
        this.sopClass = association.abstractSyntax(contextId);
        this.patientRoot = Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_GET.equals(sopClass);
        identifierAssembler.begin(association, contextId);
        provider.clearCancels();
        failStatus = -1;
        failError = null;
        completed = 0;
        failed = 0;
        warning = 0;
        failedUids.clear();
        pendingDue = false;
        finishing = false;
        if (!command.hasDataSet())
        {
            fail(provider, association, Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, "C-GET-RQ without identifier");
            return;
        }
        receiving = true;
    }

    void onFragment(final DimseProvider provider, final Association association, final DirectBuffer buffer,
        final int offset, final int length, final boolean last)
    {
        if (failStatus < 0 && !identifierAssembler.append(buffer, offset, length))
        {
            failStatus = Status.OUT_OF_RESOURCES_NUMBER_OF_MATCHES;
            failError = IdentifierAssembler.tooLongMessage();
        }
        if (last)
        {
            receiving = false;
            if (failStatus >= 0)
            {
                fail(provider, association, failStatus, failError);
                return;
            }
            start(provider, association);
        }
    }

    private void start(final DimseProvider provider, final Association association)
    {
        final DataSet identifier;
        try
        {
            identifier = identifierAssembler.parse();
        }
        catch (final DataSetException | IllegalArgumentException ex)
        {
            fail(provider, association, Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                "cannot parse identifier: " + ex.getMessage());
            return;
        }
        final Level level = Level.of(identifier.string(Tag.QUERY_RETRIEVE_LEVEL));
        final String invalid = RetrieveKeys.validate(identifier, level, patientRoot);
        if (invalid != null)
        {
            fail(provider, association, Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, invalid);
            return;
        }
        try
        {
            entries = RetrieveKeys.match(index, identifier, level, patientRoot);
        }
        catch (final RuntimeException ex)
        {
            fail(provider, association, Status.OUT_OF_RESOURCES_NUMBER_OF_MATCHES,
                "cannot match: " + ex.getMessage());
            return;
        }
        LOG.debug("{}: C-GET {} level {}: {} instances", association.name(), patientRoot ? "Patient Root" :
            "Study Root", level, entries.size());
        next = 0;
        active = true;
        onTick(provider, association);
    }

    private void fail(final DimseProvider provider, final Association association, final int status,
        final String why)
    {
        failStatus = status;
        failError = why;
        entries = List.of();
        next = 0;
        active = true;
        onTick(provider, association);
    }

    /**
     * Sends what the send buffer takes of the current operation.
     *
     * @return work done.
     */
    int onTick(final DimseProvider provider, final Association association)
    {
        int work = 0;
        final int commandRoom = association.maxSendPduLength() + 6;
        while (work < MAX_WORK_PER_TICK)
        {
            if (responder.isSending())
            {
                if (!responder.flush(provider, association))
                {
                    return work;
                }
                work++;
                if (finishing)
                {
                    finish(provider);
                }
                continue;
            }
            if (file != null)
            {
                if (!sendFileData(provider, association))
                {
                    return work;
                }
                work++;
                continue;
            }
            if (association.pendingSendBytes() + commandRoom > association.sendBufferCapacity())
            {
                return work;
            }
            if (refuseMessageId >= 0)
            {
                sendRefusal(provider, association);
                work++;
                continue;
            }
            if (!active || awaitingStoreResponse)
            {
                return work;
            }
            if (pendingDue)
            {
                pendingDue = false;
                sendResponse(provider, association, Status.PENDING, true);
                work++;
                continue;
            }
            if (failStatus >= 0)
            {
                LOG.info("{}: C-GET answered 0x{}: {}", association.name(), Integer.toHexString(failStatus),
                    failError);
                sendFinal(provider, association, failStatus, failError);
                return work + 1;
            }
            if (provider.isCancelled(messageId))
            {
                LOG.debug("{}: C-GET cancelled after {} of {} instances", association.name(), next, entries.size());
                sendFinal(provider, association, Status.CANCEL, null);
                return work + 1;
            }
            if (next == entries.size())
            {
                final int status = failed == 0 && warning == 0 ? Status.SUCCESS :
                    completed == 0 && warning == 0 ? Status.OUT_OF_RESOURCES_SUB_OPERATIONS :
                    Status.SUB_OPERATIONS_COMPLETE_WITH_FAILURES;
                sendFinal(provider, association, status, null);
                return work + 1;
            }
            beginSubOperation(provider, association, entries.get(next++));
            work++;
        }
        return work;
    }

    private void beginSubOperation(final DimseProvider provider, final Association association,
        final ArchiveIndex.Entry entry)
    {
        subInstance = entry.sopInstanceUid();
        if (entry.path() == null)
        {
            subFailed(association, "no file");
            return;
        }
        final Part10Info info;
        try
        {
            info = Part10Reader.read(entry.path());
        }
        catch (final IOException | RuntimeException ex)
        {
            subFailed(association, "cannot read " + entry.path() + ": " + ex.getMessage());
            return;
        }
        final String instanceClass = info.mediaStorageSopClassUid() != null ? info.mediaStorageSopClassUid() :
            entry.attributes().string(Tag.SOP_CLASS_UID);
        final int ctx = instanceClass == null ? -1 :
            storeContext(association, instanceClass, info.transferSyntaxUid());
        if (ctx < 0)
        {
            subFailed(association, "no context with SCP role granted to the requestor for " + instanceClass +
                " in " + info.transferSyntaxUid());
            return;
        }
        try
        {
            file = FileChannel.open(entry.path(), StandardOpenOption.READ);
        }
        catch (final IOException ex)
        {
            subFailed(association, "cannot open " + entry.path() + ": " + ex.getMessage());
            return;
        }
        filePosition = info.dataSetOffset();
        fileRemaining = info.dataSetLength();
        subContextId = ctx;
        subMessageId = provider.nextMessageId();
        provider.beginCommand(association, ctx)
            .putUid(CommandElement.AFFECTED_SOP_CLASS_UID, instanceClass)
            .putUS(CommandElement.COMMAND_FIELD, CommandField.C_STORE_RQ)
            .putUS(CommandElement.MESSAGE_ID, subMessageId)
            .putUS(CommandElement.PRIORITY, priority)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT)
            .putUid(CommandElement.AFFECTED_SOP_INSTANCE_UID, subInstance);
        provider.sendCommand();
        awaitingStoreResponse = true;
        sendFileData(provider, association);
    }

    /** @return true when the file's data set is out (the file is closed then). */
    private boolean sendFileData(final DimseProvider provider, final Association association)
    {
        try
        {
            final long n = provider.sendDataSet(association, subContextId, file, filePosition, fileRemaining);
            filePosition += n;
            fileRemaining -= n;
            if (fileRemaining > 0)
            {
                return false;
            }
        }
        catch (final IOException ex)
        {
            // a truncated data set must never be stored: the association cannot go on
            LOG.warn("{}: reading {} failed mid data set; aborting: {}", association.name(), subInstance,
                ex.getMessage());
            closeFile();
            association.abort();
            return false;
        }
        closeFile();
        return true;
    }

    private void closeFile()
    {
        if (file != null)
        {
            try
            {
                file.close();
            }
            catch (final IOException ignore)
            {
                // read-only
            }
            file = null;
        }
    }

    private static int storeContext(final Association association, final String sopClass, final String ts)
    {
        final AssociatePdu.RoleSelection role = association.associateAccept().roleSelection(sopClass);
        if (role == null || !role.scp())
        {
            return -1;
        }
        for (int id = 1; id < 256; id += 2)
        {
            if (sopClass.equals(association.abstractSyntax(id)) && ts.equals(association.transferSyntax(id)))
            {
                return id;
            }
        }
        return -1;
    }

    private void subFailed(final Association association, final String why)
    {
        LOG.info("{}: C-GET sub-operation for {} failed: {}", association.name(), subInstance, why);
        failed++;
        failedUids.add(subInstance);
        pendingDue = true;
    }

    /**
     * A C-STORE-RSP to our current sub-operation.
     */
    void onStoreResponse(final DimseProvider provider, final Association association, final CommandDecoder command)
    {
        awaitingStoreResponse = false;
        subMessageId = -1;
        final int status = command.status();
        if (Status.isSuccess(status))
        {
            completed++;
        }
        else if (Status.isWarning(status))
        {
            warning++;
        }
        else
        {
            LOG.info("{}: C-STORE sub-operation for {} answered 0x{}", association.name(), subInstance,
                Integer.toHexString(status));
            failed++;
            failedUids.add(subInstance);
        }
        pendingDue = true;
        onTick(provider, association);
    }

    private void sendRefusal(final DimseProvider provider, final Association association)
    {
        RetrieveResponder.refuseConcurrent(provider, association, refuseContextId, CommandField.C_GET_RSP,
            refuseMessageId, "C-GET");
        refuseMessageId = -1;
    }

    private void sendResponse(final DimseProvider provider, final Association association, final int status,
        final boolean withRemaining)
    {
        responder.send(provider, association, contextId, CommandField.C_GET_RSP, sopClass, messageId, status,
            withRemaining ? entries.size() - next : -1, completed, failed, warning, failedUids,
            failError != null && status == failStatus ? failError : null, identifierAssembler.encoding());
    }

    private void sendFinal(final DimseProvider provider, final Association association, final int status,
        final String error)
    {
        sendResponse(provider, association, status, status == Status.CANCEL);
        finishing = true;
        if (!responder.isSending())
        {
            finish(provider);
        }
    }

    private void finish(final DimseProvider provider)
    {
        provider.clearCancels();
        finishing = false;
        active = false;
        receiving = false;
        failStatus = -1;
        failError = null;
        entries = null;
        pendingDue = false;
    }

    void onClosed()
    {
        closeFile();
        active = false;
        receiving = false;
        entries = null;
        awaitingStoreResponse = false;
    }
}
