package org.dimse4j.ae;

import org.agrona.DirectBuffer;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandEncoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseHandler;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.dimse.Status;
import org.dimse4j.service.InstanceStore;
import org.dimse4j.service.InstanceWriter;
import org.dimse4j.service.Verification;
import org.dimse4j.ul.Association;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The acceptor's service side, one per association, answering inline on its I/O thread:
 * <ul>
 *   <li>C-ECHO on a Verification context: Success.</li>
 *   <li>C-STORE, when a store is configured: the data set streams to the store's writer as it arrives; the
 *       C-STORE-RSP follows the last fragment, with Success only once the writer has committed. A failed write
 *       answers 0xA700 (out of resources); a SOP class that does not match its context answers 0x0122.</li>
 *   <li>C-FIND, when an {@link org.dimse4j.archive.ArchiveIndex} is configured, on a Patient Root or Study Root
 *       FIND context: see {@link FindService}; its responses go out incrementally from {@link #onTick}. Also
 *       C-FIND on Modality Worklist FIND when a {@link org.dimse4j.archive.WorklistDirectory} is configured.</li>
 *   <li>C-GET, likewise, on a Patient Root or Study Root GET context: see {@link GetService}; its C-STORE
 *       sub-operations go out from {@link #onTick} and their C-STORE-RSPs are routed back to it.</li>
 *   <li>C-MOVE, when a {@link MoveService} is given, on a Patient Root or Study Root MOVE context: its
 *       sub-operations run on a worker thread, whose progress {@link #onTick} turns into C-MOVE-RSPs.</li>
 *   <li>DIMSE-N requests of a SOP class with an {@link NServiceHandler}: see {@link NServiceDispatcher}; its
 *       messages go out from {@link #onTick}, after the other services'.</li>
 *   <li>Anything else: refused with 0x0211 (unrecognized operation) so that the peer is never left waiting.</li>
 * </ul>
 * If the association ends mid data set, the partial instance is removed.
 */
final class ServiceDispatcher implements DimseHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(ServiceDispatcher.class);

    private final InstanceStore store;
    private final FindService find;
    private final GetService get;
    private final MoveService move;
    private NServiceDispatcher nServices;
    private InstanceWriter writer;
    private boolean storing;
    private int storeContextId;
    private int storeMessageId;
    private int storeStatus;
    private String storeSopClass;
    private String storeSopInstance;
    private String storeError;

    ServiceDispatcher(final InstanceStore store)
    {
        this(store, null, null);
    }

    ServiceDispatcher(final InstanceStore store, final org.dimse4j.archive.ArchiveIndex index, final String aeTitle)
    {
        this(store, index, null, aeTitle);
    }

    ServiceDispatcher(final InstanceStore store, final org.dimse4j.archive.ArchiveIndex index,
        final org.dimse4j.archive.WorklistDirectory worklist, final String aeTitle)
    {
        this(store, index, worklist, aeTitle, null);
    }

    ServiceDispatcher(final InstanceStore store, final org.dimse4j.archive.ArchiveIndex index,
        final org.dimse4j.archive.WorklistDirectory worklist, final String aeTitle, final MoveService move)
    {
        this.move = move;
        this.store = store;
        this.find = index == null && worklist == null ? null : new FindService(index, worklist, aeTitle);
        this.get = index == null ? null : new GetService(index);
    }

    /**
     * Serves the AE's DIMSE-N handlers (see {@link NServiceDispatcher}) on this association.
     *
     * @param ae the AE; nothing changes when it has none.
     * @return this.
     */
    ServiceDispatcher nServices(final ApplicationEntity ae)
    {
        this.nServices = ae.nServices().isEmpty() ? null : new NServiceDispatcher(ae, ae.nServices());
        return this;
    }

    /** {@inheritDoc} */
    @Override
    public void onCommand(final DimseProvider provider, final Association association, final int contextId,
        final CommandDecoder command)
    {
        final int field = command.commandField();
        if (field == CommandField.C_ECHO_RQ && Verification.SOP_CLASS.equals(association.abstractSyntax(contextId)))
        {
            Verification.respond(provider, association, contextId, command);
            return;
        }
        if (field == CommandField.C_STORE_RQ && command.hasDataSet())
        {
            beginStore(association, contextId, command);
            return;
        }
        if (field == CommandField.C_FIND_RQ && find != null &&
            find.accepts(association.abstractSyntax(contextId)))
        {
            find.onRequest(provider, association, contextId, command);
            return;
        }
        if (get != null && onGetCommand(provider, association, contextId, command))
        {
            return;
        }
        if (move != null && field == CommandField.C_MOVE_RQ &&
            MoveService.isMoveModel(association.abstractSyntax(contextId)))
        {
            move.onRequest(provider, association, contextId, command);
            return;
        }
        if (nServices != null && nServices.onCommand(association, contextId, command))
        {
            return;
        }
        if (CommandField.isResponse(field) || field == CommandField.C_CANCEL_RQ)
        {
            LOG.debug("{}: ignoring unsolicited {}", association.name(), CommandField.name(field));
            return;
        }
        final int status = field == CommandField.C_ECHO_RQ ? Status.SOP_CLASS_NOT_SUPPORTED :
            Status.UNRECOGNIZED_OPERATION;
        LOG.info("{}: {} not supported here; answering status 0x{}", association.name(), CommandField.name(field),
            Integer.toHexString(status));
        final int messageId = command.messageId();
        final CommandEncoder rsp = provider.beginCommand(association, contextId);
        if (command.contains(CommandElement.AFFECTED_SOP_CLASS_UID))
        {
            rsp.putUid(CommandElement.AFFECTED_SOP_CLASS_UID, command.buffer(),
                command.valueOffset(CommandElement.AFFECTED_SOP_CLASS_UID),
                command.uidLength(CommandElement.AFFECTED_SOP_CLASS_UID));
        }
        rsp.putUS(CommandElement.COMMAND_FIELD, field | CommandField.RESPONSE_BIT)
            .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, messageId)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_NONE)
            .putUS(CommandElement.STATUS, status);
        provider.sendCommand();
    }

    /** @return true if the command was C-GET's: a C-GET-RQ on a GET context, or a sub-operation's C-STORE-RSP. */
    private boolean onGetCommand(final DimseProvider provider, final Association association, final int contextId,
        final CommandDecoder command)
    {
        final int field = command.commandField();
        if (field == CommandField.C_GET_RQ && GetService.isGetModel(association.abstractSyntax(contextId)))
        {
            get.onRequest(provider, association, contextId, command);
            return true;
        }
        if (field == CommandField.C_STORE_RSP && get.isAwaiting(command.messageIdBeingRespondedTo()))
        {
            get.onStoreResponse(provider, association, command);
            return true;
        }
        return false;
    }

    private void beginStore(final Association association, final int contextId, final CommandDecoder command)
    {
        storing = true;
        storeContextId = contextId;
        storeMessageId = command.messageId();
        storeSopClass = command.affectedSopClassUid();
        storeSopInstance = command.affectedSopInstanceUid();
        storeStatus = Status.SUCCESS;
        storeError = null;
        writer = null;
        if (store == null)
        {
            refuse(Status.SOP_CLASS_NOT_SUPPORTED, "storage is not offered here");
            return;
        }
        if (storeSopClass == null || !storeSopClass.equals(association.abstractSyntax(contextId)))
        {
            refuse(Status.SOP_CLASS_NOT_SUPPORTED, "SOP class " + storeSopClass + " sent on context " + contextId +
                " of " + association.abstractSyntax(contextId));
            return;
        }
        try
        {
            writer = store.open(new InstanceStore.StoreRequest(storeSopClass, storeSopInstance,
                association.transferSyntax(contextId), association.associateRequest().callingAeTitle(),
                association.associateRequest().calledAeTitle()));
        }
        catch (final InstanceStore.StoreRefusedException ex)
        {
            refuse(ex.status(), ex.getMessage());
        }
        catch (final IOException | RuntimeException ex)
        {
            refuse(Status.OUT_OF_RESOURCES, "cannot store " + storeSopInstance + ": " + ex);
        }
    }

    private void refuse(final int status, final String why)
    {
        storeStatus = status;
        storeError = why;
    }

    /** {@inheritDoc} */
    @Override
    public void onDataSetFragment(final DimseProvider provider, final Association association, final int contextId,
        final DirectBuffer buffer, final int offset, final int length, final boolean last)
    {
        if (find != null && find.isReceiving())
        {
            find.onFragment(provider, association, buffer, offset, length, last);
            return;
        }
        if (get != null && get.isReceiving())
        {
            get.onFragment(provider, association, buffer, offset, length, last);
            return;
        }
        if (move != null && move.isReceiving())
        {
            move.onFragment(provider, association, buffer, offset, length, last);
            return;
        }
        if (nServices != null && nServices.isReceiving())
        {
            nServices.onFragment(buffer, offset, length, last);
            return;
        }
        if (!storing || contextId != storeContextId)
        {
            return; // the data set of a request already refused
        }
        if (writer != null)
        {
            try
            {
                writer.write(buffer, offset, length);
            }
            catch (final IOException | RuntimeException ex)
            {
                writer.abort();
                writer = null;
                refuse(Status.OUT_OF_RESOURCES, "writing " + storeSopInstance + " failed: " + ex);
            }
        }
        if (last)
        {
            if (writer != null)
            {
                try
                {
                    storeStatus = writer.commit();
                }
                catch (final InstanceStore.StoreRefusedException ex)
                {
                    refuse(ex.status(), ex.getMessage());
                }
                catch (final IOException | RuntimeException ex)
                {
                    refuse(Status.OUT_OF_RESOURCES, "completing " + storeSopInstance + " failed: " + ex);
                }
                writer = null;
            }
            storing = false;
            respondStore(provider, association);
        }
    }

    private void respondStore(final DimseProvider provider, final Association association)
    {
        if (storeError != null)
        {
            LOG.warn("{}: C-STORE of {} answered 0x{}: {}", association.name(), storeSopInstance,
                Integer.toHexString(storeStatus), storeError);
        }
        final CommandEncoder rsp = provider.beginCommand(association, storeContextId);
        if (storeSopClass != null)
        {
            rsp.putUid(CommandElement.AFFECTED_SOP_CLASS_UID, storeSopClass);
        }
        rsp.putUS(CommandElement.COMMAND_FIELD, CommandField.C_STORE_RSP)
            .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, storeMessageId)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_NONE)
            .putUS(CommandElement.STATUS, storeStatus);
        if (storeError != null)
        {
            final String comment = storeError.length() > 64 ? storeError.substring(0, 64) : storeError;
            rsp.putString(CommandElement.ERROR_COMMENT, comment.replace('\\', '/'));
        }
        if (storeSopInstance != null)
        {
            rsp.putUid(CommandElement.AFFECTED_SOP_INSTANCE_UID, storeSopInstance);
        }
        provider.sendCommand();
    }

    /** {@inheritDoc} */
    @Override
    public int onTick(final DimseProvider provider, final Association association)
    {
        if (nServices != null && nServices.isStreaming())
        {
            return nServices.onTick(provider, association); // no other message may start inside its data set
        }
        return (find == null ? 0 : find.onTick(provider, association)) +
            (get == null ? 0 : get.onTick(provider, association)) +
            (move == null ? 0 : move.onTick(provider, association)) +
            (nServices == null ? 0 : nServices.onTick(provider, association));
    }

    /** {@inheritDoc} */
    @Override
    public void onClosed(final Association association)
    {
        if (nServices != null)
        {
            nServices.onClosed();
        }
        if (find != null)
        {
            find.onClosed();
        }
        if (get != null)
        {
            get.onClosed();
        }
        if (move != null)
        {
            move.onClosed();
        }
        if (writer != null)
        {
            LOG.info("{}: association ended in the middle of {}; removing the partial instance", association.name(),
                storeSopInstance);
            writer.abort();
            writer = null;
        }
    }
}
