package org.dimse4j.ae;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.archive.ArchiveIndex.Level;
import org.dimse4j.archive.WorklistDirectory;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetException;
import org.dimse4j.data.ElementDictionary;
import org.dimse4j.data.Tag;
import org.dimse4j.data.Uid;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandElement;
import org.dimse4j.dimse.CommandEncoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.DimseProvider;
import org.dimse4j.dimse.Status;
import org.dimse4j.query.MatchOptions;
import org.dimse4j.query.QueryMatcher;
import org.dimse4j.query.QueryResponse;
import org.dimse4j.ul.Association;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The Query/Retrieve C-FIND SCP of one association (Patient Root and Study Root FIND), over an
 * {@link ArchiveIndex}; driven by {@link ServiceDispatcher} on the association's I/O thread.
 * <p>
 * The identifier is gathered from its fragments, parsed, and checked:
 * <ul>
 *     <li>Query/Retrieve Level (0008,0052) must be PATIENT, STUDY, SERIES or IMAGE; PATIENT only in Patient Root.</li>
 *     <li>The hierarchical rule (PS3.4 C.4.1.2.2), simply: below the model's top level, the unique key of every
 *     level above the queried one must be present with a value (Study Root: Study Instance UID for SERIES, and
 *     Series Instance UID too for IMAGE; Patient Root: Patient ID from STUDY down as well). No relational queries.</li>
 * </ul>
 * A bad identifier is answered 0xA900 (identifier does not match SOP class); a key the matcher cannot use (a
 * malformed date range) 0xC000; an identifier longer than {@link #MAX_IDENTIFIER_LENGTH} 0xA700. Then every match
 * gets a Pending response carrying the request's keys ({@link QueryResponse}), the unique keys of the queried level
 * and those above it, and Retrieve AE Title (0008,0054) = our AE title; then Success.
 * <p>
 * <b>Unsupported keys.</b> A key the index does not support at the queried level ({@link ArchiveIndex#supports}:
 * e.g. Patient's Age, a private attribute, or a series attribute in a STUDY query) is not matched and is left out of
 * the responses, as PS3.4 C.2.2.1.3 says of an Optional Key not supported for existence (DCMTK's dcmqrscp and
 * pynetdicom's qrscp leave such keys out as well). Each Pending response is then 0xFF01 ("one or more Optional Keys
 * were not supported for existence and/or matching"), else 0xFF00. Retrieve AE Title is supported for existence
 * (every response holds it) but not for matching: a value for it makes the responses 0xFF01 too.
 * <p>
 * Responses are produced incrementally, never overrunning the send buffer: one is begun only while the send buffer
 * has room for a whole command PDU (the peer's maximum PDU; the send buffer holds two), at most
 * {@link #MAX_RESPONSES_PER_TICK} per duty cycle, and the rest follow on later duty cycles ({@link #onTick}, driven
 * by {@link org.dimse4j.ul.AssociationListener#onIdle}). Failures go out the same way. Between responses a
 * C-CANCEL-RQ for the operation ends it with a Cancel (0xFE00) final response; cancels are cleared at the start and
 * the end of each operation.
 * <p>
 * One operation at a time (the default asynchronous operations window of 1): a C-FIND-RQ arriving while another is
 * under way ends the earlier one without a final response. The index is matched in full when the identifier
 * arrives (a linear scan: control plane), and the matches are kept until sent.
 * <p>
 * <b>Modality Worklist.</b> With a {@link WorklistDirectory}, C-FIND on the Modality Worklist Information Model
 * (PS3.4 Annex K) is answered the same way, the candidates being the worklist items: no Query/Retrieve Level,
 * sequence matching on Scheduled Procedure Step Sequence (0040,0100), whose key must hold at most one item (else
 * 0xA900), and each Pending response holds just the request's keys ({@link QueryResponse}, the sequence cut to
 * the requested keys of the matching steps).
 */
final class FindService
{
    private static final Logger LOG = LoggerFactory.getLogger(FindService.class);

    /** Most pending responses sent in one duty cycle, so that one query does not starve the I/O loop. */
    private static final int MAX_RESPONSES_PER_TICK = 64;

    /** Largest identifier accepted; a longer one is answered 0xA700 (out of resources). */
    static final int MAX_IDENTIFIER_LENGTH = IdentifierAssembler.MAX_IDENTIFIER_LENGTH;

    private final ArchiveIndex index;
    private final WorklistDirectory worklist;
    private boolean worklistQuery;
    private final String aeTitle;
    private final IdentifierAssembler identifierAssembler = new IdentifierAssembler();
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
    private boolean receiving;
    private boolean active;
    private int contextId;
    private int messageId;
    private String sopClass;
    private boolean patientRoot;
    private DataSet identifier;
    /** The keys the responses mirror: the identifier without the keys not supported at its level. */
    private DataSet responseKeys;
    /** PENDING, or PENDING_WARNING when the identifier had keys not supported. */
    private int pendingStatus;
    private Level level;
    private List<DataSet> matches;
    private int next;
    private int outOffset;
    private int outRemaining;
    private int failStatus = -1;
    private String failError;

    FindService(final ArchiveIndex index, final String aeTitle)
    {
        this(index, null, aeTitle);
    }

    /**
     * @param index    the archive index for Patient and Study Root FIND, or null.
     * @param worklist the worklist for Modality Worklist FIND, or null.
     * @param aeTitle  our AE title.
     */
    FindService(final ArchiveIndex index, final WorklistDirectory worklist, final String aeTitle)
    {
        this.index = index;
        this.worklist = worklist;
        this.aeTitle = aeTitle;
    }

    /**
     * @param sopClass an abstract syntax.
     * @return true if this service answers C-FIND on it: the Q/R FIND models with an index, Modality Worklist
     * FIND with a worklist.
     */
    boolean accepts(final String sopClass)
    {
        return index != null ? isFindModel(sopClass) || acceptsWorklist(sopClass) : acceptsWorklist(sopClass);
    }

    private boolean acceptsWorklist(final String sopClass)
    {
        return worklist != null && Uid.MODALITY_WORKLIST_INFORMATION_MODEL_FIND.equals(sopClass);
    }

    /**
     * @param sopClass an abstract syntax.
     * @return true for Patient Root and Study Root Query/Retrieve FIND.
     */
    static boolean isFindModel(final String sopClass)
    {
        return Uid.STUDY_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND.equals(sopClass) ||
            Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND.equals(sopClass);
    }

    /** @return true while a C-FIND-RQ's identifier is arriving. */
    boolean isReceiving()
    {
        return receiving;
    }

    void onRequest(final DimseProvider provider, final Association association, final int contextId,
        final CommandDecoder command)
    {
        if (active || receiving)
        {
            LOG.warn("{}: C-FIND-RQ while another C-FIND is under way; ending the earlier one", association.name());
            active = false;
            matches = null;
        }
        this.contextId = contextId;
        this.messageId = command.messageId();
        this.sopClass = association.abstractSyntax(contextId);
        this.patientRoot = Uid.PATIENT_ROOT_QUERY_RETRIEVE_INFORMATION_MODEL_FIND.equals(sopClass);
        this.worklistQuery = Uid.MODALITY_WORKLIST_INFORMATION_MODEL_FIND.equals(sopClass);
        identifierAssembler.begin(association, contextId);
        provider.clearCancels();
        this.failStatus = -1;
        this.failError = null;
        if (!command.hasDataSet())
        {
            fail(provider, association, Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, "C-FIND-RQ without identifier");
            return;
        }
        receiving = true;
    }

    void onFragment(final DimseProvider provider, final Association association, final DirectBuffer buffer,
        final int offset, final int length, final boolean last)
    {
        if (failStatus < 0 && !identifierAssembler.append(buffer, offset, length))
        {
            failStatus = Status.OUT_OF_RESOURCES;
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
        if (worklistQuery)
        {
            startWorklist(provider, association);
            return;
        }
        level = Level.of(identifier.string(Tag.QUERY_RETRIEVE_LEVEL));
        final String invalid = validate();
        if (invalid != null)
        {
            fail(provider, association, Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, invalid);
            return;
        }
        try
        {
            matches = index.find(level, identifier, MatchOptions.DEFAULT);
        }
        catch (final RuntimeException ex)
        {
            fail(provider, association, Status.CANNOT_UNDERSTAND, "cannot match: " + ex.getMessage());
            return;
        }
        responseKeys = ArchiveIndex.supportedKeys(level, identifier);
        final boolean retrieveAeReturned = identifier.contains(Tag.RETRIEVE_AE_TITLE) &&
            QueryMatcher.isUniversal(identifier, Tag.RETRIEVE_AE_TITLE);
        final int unsupported = identifier.size() - responseKeys.size() - (retrieveAeReturned ? 1 : 0);
        pendingStatus = unsupported > 0 ? Status.PENDING_WARNING : Status.PENDING;
        if (unsupported > 0 && LOG.isDebugEnabled())
        {
            LOG.debug("{}: C-FIND level {}: keys not supported, not matched nor returned: {}", association.name(),
                level, unsupportedKeywords());
        }
        LOG.debug("{}: C-FIND {} level {}: {} matches", association.name(), patientRoot ? "Patient Root" :
            "Study Root", level, matches.size());
        next = 0;
        outRemaining = 0;
        active = true;
        onTick(provider, association);
    }

    private void startWorklist(final DimseProvider provider, final Association association)
    {
        final List<DataSet> steps = identifier.sequence(Tag.SCHEDULED_PROCEDURE_STEP_SEQUENCE);
        if (steps != null && steps.size() > 1)
        {
            fail(provider, association, Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                "Scheduled Procedure Step Sequence key with more than one item");
            return;
        }
        try
        {
            matches = worklist.find(identifier, MatchOptions.DEFAULT);
            responseKeys = identifier;
            pendingStatus = Status.PENDING;
        }
        catch (final java.io.IOException ex)
        {
            fail(provider, association, Status.OUT_OF_RESOURCES, "cannot read the worklist: " + ex.getMessage());
            return;
        }
        catch (final RuntimeException ex)
        {
            fail(provider, association, Status.CANNOT_UNDERSTAND, "cannot match: " + ex.getMessage());
            return;
        }
        LOG.debug("{}: C-FIND Modality Worklist: {} matches", association.name(), matches.size());
        next = 0;
        outRemaining = 0;
        active = true;
        onTick(provider, association);
    }

    /** Ends the operation with a failure, sent from {@link #onTick} once the send buffer has room. */
    private void fail(final DimseProvider provider, final Association association, final int status,
        final String why)
    {
        failStatus = status;
        failError = why;
        matches = List.of();
        next = 0;
        outRemaining = 0;
        active = true;
        onTick(provider, association);
    }

    /** @return the keywords (or tags) of the keys of the identifier left out of {@link #responseKeys}. */
    private String unsupportedKeywords()
    {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < identifier.size(); i++)
        {
            final int tag = identifier.tagAt(i);
            if (!responseKeys.contains(tag))
            {
                final String keyword = ElementDictionary.keyword(tag);
                out.append(out.length() == 0 ? "" : ", ").append(keyword == null || keyword.isEmpty() ?
                    DataSetException.tagString(tag) : keyword);
            }
        }
        return out.toString();
    }

    private String validate()
    {
        if (level == null)
        {
            return "Query/Retrieve Level missing or not PATIENT, STUDY, SERIES or IMAGE";
        }
        if (level == Level.PATIENT && !patientRoot)
        {
            return "PATIENT level is not in the Study Root model";
        }
        final Level top = patientRoot ? Level.PATIENT : Level.STUDY;
        for (int l = top.ordinal(); l < level.ordinal(); l++)
        {
            final int key = Level.values()[l].uniqueKey();
            final String value = identifier.string(key);
            if (value == null || value.isEmpty() || value.contains("*") || value.contains("?"))
            {
                return "level " + level + " needs a value for the unique key " + ElementDictionary.keyword(key) +
                    " (hierarchical query)";
            }
        }
        return null;
    }

    /**
     * Sends what the send buffer takes of the current operation: the rest of a data set, pending responses, the
     * final response.
     *
     * @return work done.
     */
    int onTick(final DimseProvider provider, final Association association)
    {
        if (!active)
        {
            return 0;
        }
        int work = 0;
        final int commandRoom = association.maxSendPduLength() + 6;
        while (active && work < MAX_RESPONSES_PER_TICK)
        {
            if (!association.mayProduce())
            {
                return work;
            }
            if (outRemaining > 0)
            {
                final int n = provider.sendDataSet(association, contextId, out, outOffset, outRemaining);
                outOffset += n;
                outRemaining -= n;
                if (outRemaining > 0)
                {
                    return work + (n > 0 ? 1 : 0);
                }
                work++;
                continue;
            }
            if (association.pendingSendBytes() + commandRoom > association.sendBufferCapacity())
            {
                return work;
            }
            if (failStatus >= 0)
            {
                sendFinal(provider, association, failStatus, failError);
                return work + 1;
            }
            if (provider.isCancelled(messageId))
            {
                LOG.debug("{}: C-FIND cancelled after {} of {} matches", association.name(), next, matches.size());
                sendFinal(provider, association, Status.CANCEL, null);
                return work + 1;
            }
            if (next == matches.size())
            {
                sendFinal(provider, association, Status.SUCCESS, null);
                return work + 1;
            }
            sendPending(provider, association, matches.get(next++));
            work++;
        }
        return work;
    }

    private void sendPending(final DimseProvider provider, final Association association, final DataSet match)
    {
        final DataSet response = QueryResponse.responseFor(responseKeys, match);
        if (!worklistQuery)
        {
            final Level top = patientRoot ? Level.PATIENT : Level.STUDY;
            for (int l = top.ordinal(); l <= level.ordinal(); l++)
            {
                final int key = Level.values()[l].uniqueKey();
                if (match.contains(key))
                {
                    response.put(key, match.vr(key), match.bytes(key).clone());
                }
            }
            response.putString(Tag.RETRIEVE_AE_TITLE, aeTitle);
        }
        final int length = response.encodedLength(identifierAssembler.encoding());
        out.checkLimit(length);
        response.write(out, 0, identifierAssembler.encoding());
        final CommandEncoder rsp = provider.beginCommand(association, contextId);
        rsp.putUid(CommandElement.AFFECTED_SOP_CLASS_UID, sopClass)
            .putUS(CommandElement.COMMAND_FIELD, CommandField.C_FIND_RSP)
            .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, messageId)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_PRESENT)
            .putUS(CommandElement.STATUS, pendingStatus);
        provider.sendCommand();
        outOffset = 0;
        outRemaining = length;
        final int n = provider.sendDataSet(association, contextId, out, 0, length);
        outOffset += n;
        outRemaining -= n;
    }

    private void sendFinal(final DimseProvider provider, final Association association, final int status,
        final String error)
    {
        if (error != null)
        {
            LOG.info("{}: C-FIND answered 0x{}: {}", association.name(), Integer.toHexString(status), error);
        }
        final CommandEncoder rsp = provider.beginCommand(association, contextId);
        if (sopClass != null)
        {
            rsp.putUid(CommandElement.AFFECTED_SOP_CLASS_UID, sopClass);
        }
        rsp.putUS(CommandElement.COMMAND_FIELD, CommandField.C_FIND_RSP)
            .putUS(CommandElement.MESSAGE_ID_BEING_RESPONDED_TO, messageId)
            .putUS(CommandElement.COMMAND_DATA_SET_TYPE, CommandElement.DATA_SET_TYPE_NONE)
            .putUS(CommandElement.STATUS, status);
        if (error != null)
        {
            final String comment = error.length() > 64 ? error.substring(0, 64) : error;
            rsp.putString(CommandElement.ERROR_COMMENT, comment.replace('\\', '/'));
        }
        provider.sendCommand();
        provider.clearCancels();
        active = false;
        receiving = false;
        failStatus = -1;
        failError = null;
        matches = null;
        identifier = null;
        responseKeys = null;
    }

    void onClosed()
    {
        active = false;
        receiving = false;
        matches = null;
        identifier = null;
        responseKeys = null;
    }
}
