package org.dimse4j.ae;

import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetException;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.data.ElementDictionary;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.Part10Writer;
import org.dimse4j.data.Tag;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.data.Uid;
import org.dimse4j.data.Uids;
import org.dimse4j.data.ValueRepresentation;
import org.dimse4j.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Modality Performed Procedure Step SCP (PS3.4 Annex F): keeps the MPPS instances modalities create (N-CREATE) and
 * update (N-SET), in memory and, when made with {@link #inDirectory}, as one Part 10 file per instance
 * ({@code <SOP Instance UID>.dcm}, Explicit VR Little Endian, written under a temporary name and renamed into place),
 * read back at start. N-GET on the MPPS Retrieve SOP class returns an instance's attributes. Register with
 * {@link ApplicationEntity.Builder#acceptMpps}. Thread-safe.
 * <ul>
 *   <li>N-CREATE: the Attribute List must carry Performed Procedure Step Status (0040,0252) = IN PROGRESS
 *       (absent: 0x0120 missing attribute; another value: 0x0106 invalid attribute value); an instance that exists
 *       already answers 0x0111 (duplicate SOP instance), a malformed UID 0x0117; without an Affected SOP Instance
 *       UID the SCP makes one and returns it.</li>
 *   <li>N-SET: merges the Modification List into the instance (an attribute replaces the one with its tag;
 *       sequences are replaced whole). An unknown instance answers 0x0112; one whose status is already COMPLETED or
 *       DISCONTINUED answers 0x0110 with Error ID 0xA710, "Performed Procedure Step Object may no longer be
 *       updated" (PS3.4 F.7.2.2.4); a status value other than IN PROGRESS, COMPLETED, DISCONTINUED, 0x0106.</li>
 * </ul>
 */
public final class MppsService implements NServiceHandler
{
    /** Performed Procedure Step Status while the step runs. */
    public static final String IN_PROGRESS = "IN PROGRESS";
    /** Performed Procedure Step Status of a step done. */
    public static final String COMPLETED = "COMPLETED";
    /** Performed Procedure Step Status of a step abandoned. */
    public static final String DISCONTINUED = "DISCONTINUED";
    /** Error ID sent with 0x0110 when an N-SET targets a step already COMPLETED or DISCONTINUED (PS3.4 F.7.2.2.4). */
    public static final int ERROR_ID_MAY_NO_LONGER_BE_UPDATED = 0xA710;

    private static final Logger LOG = LoggerFactory.getLogger(MppsService.class);

    private final Map<String, DataSet> instances = new LinkedHashMap<>();
    private final Path directory;

    /** An MPPS SCP that keeps its instances in memory only. */
    public MppsService()
    {
        this.directory = null;
    }

    private MppsService(final Path directory)
    {
        this.directory = directory;
    }

    /**
     * An MPPS SCP that also keeps each instance as a Part 10 file in a directory, and starts with the instances
     * found there (files that do not parse are logged and skipped).
     *
     * @param directory the directory, created if missing.
     * @return the service.
     * @throws IOException if the directory cannot be created or listed.
     */
    public static MppsService inDirectory(final Path directory) throws IOException
    {
        Files.createDirectories(directory);
        final MppsService service = new MppsService(directory);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.dcm"))
        {
            for (final Path file : files)
            {
                try
                {
                    final Part10Info info = Part10Reader.read(file);
                    if (!Uids.isValid(info.mediaStorageSopInstanceUid()))
                    {
                        throw new IOException("no valid Media Storage SOP Instance UID");
                    }
                    final byte[] bytes = Files.readAllBytes(file);
                    final DataSet attributes = DataSet.read(new UnsafeBuffer(bytes), info.dataSetOffset(),
                        (int)info.dataSetLength(), info.encoding());
                    service.instances.put(info.mediaStorageSopInstanceUid(), attributes);
                }
                catch (final IOException | DataSetException ex)
                {
                    LOG.warn("skipping MPPS file {}: {}", file, ex.getMessage());
                }
            }
        }
        LOG.info("MPPS: {} instances in {}", service.instances.size(), directory);
        return service;
    }

    /**
     * @param sopInstanceUid an MPPS instance.
     * @return a copy of its attributes, or null if there is no such instance.
     */
    public synchronized DataSet instance(final String sopInstanceUid)
    {
        final DataSet attributes = instances.get(sopInstanceUid);
        return attributes == null ? null : attributes.copy();
    }

    /** @return the SOP Instance UIDs held, in creation order. */
    public synchronized List<String> instanceUids()
    {
        return new ArrayList<>(instances.keySet());
    }

    @Override
    public synchronized NResponse nCreate(final NSession session, final String sopClass, final String sopInstance,
        final DataSet attributes)
    {
        if (!Uid.MODALITY_PERFORMED_PROCEDURE_STEP.equals(sopClass))
        {
            return NServiceHandler.unsupported();
        }
        final String status = attributes == null ? null : attributes.string(Tag.PERFORMED_PROCEDURE_STEP_STATUS);
        if (status == null || status.isEmpty())
        {
            return NResponse.of(Status.MISSING_ATTRIBUTE, "Performed Procedure Step Status missing")
                .withAttributeIdentifiers(Tag.PERFORMED_PROCEDURE_STEP_STATUS);
        }
        if (!IN_PROGRESS.equals(status))
        {
            return invalidStatus(status, "N-CREATE needs Performed Procedure Step Status IN PROGRESS, not " + status);
        }
        if (sopInstance != null && !Uids.isValid(sopInstance))
        {
            return NResponse.of(Status.INVALID_OBJECT_INSTANCE, "malformed SOP Instance UID");
        }
        if (sopInstance != null && instances.containsKey(sopInstance))
        {
            return NResponse.of(Status.DUPLICATE_SOP_INSTANCE, "MPPS " + sopInstance + " exists");
        }
        final String uid = sopInstance != null ? sopInstance : Uids.random();
        final DataSet kept = attributes.copy();
        try
        {
            persist(uid, kept);
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.warn("MPPS {}: cannot write its file: {}", uid, ex.toString());
            return NResponse.of(Status.PROCESSING_FAILURE, "cannot keep the instance: " + ex.getMessage());
        }
        instances.put(uid, kept);
        LOG.info("{}: MPPS {} created ({}) by {}", session.name(), uid, IN_PROGRESS, session.callingAeTitle());
        return NResponse.success().withSopInstanceUid(uid);
    }

    @Override
    public synchronized NResponse nSet(final NSession session, final String sopClass, final String sopInstance,
        final DataSet modifications)
    {
        if (!Uid.MODALITY_PERFORMED_PROCEDURE_STEP.equals(sopClass))
        {
            return NServiceHandler.unsupported();
        }
        final DataSet current = instances.get(sopInstance);
        if (current == null)
        {
            return NResponse.of(Status.NO_SUCH_SOP_INSTANCE, "no MPPS " + sopInstance);
        }
        final String status = current.string(Tag.PERFORMED_PROCEDURE_STEP_STATUS);
        if (COMPLETED.equals(status) || DISCONTINUED.equals(status))
        {
            return NResponse.of(Status.PROCESSING_FAILURE, "Performed Procedure Step Object may no longer be updated")
                .withErrorId(ERROR_ID_MAY_NO_LONGER_BE_UPDATED);
        }
        final String next = modifications.string(Tag.PERFORMED_PROCEDURE_STEP_STATUS);
        if (modifications.contains(Tag.PERFORMED_PROCEDURE_STEP_STATUS) && !IN_PROGRESS.equals(next) &&
            !COMPLETED.equals(next) && !DISCONTINUED.equals(next))
        {
            return invalidStatus(next, "invalid Performed Procedure Step Status " + next);
        }
        final DataSet merged = current.copy();
        for (final int tag : modifications.tags())
        {
            copyAttribute(modifications, merged, tag);
        }
        try
        {
            persist(sopInstance, merged);
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.warn("MPPS {}: cannot write its file: {}", sopInstance, ex.toString());
            return NResponse.of(Status.PROCESSING_FAILURE, "cannot keep the update: " + ex.getMessage());
        }
        instances.put(sopInstance, merged);
        LOG.info("{}: MPPS {} updated ({}) by {}", session.name(), sopInstance,
            merged.string(Tag.PERFORMED_PROCEDURE_STEP_STATUS), session.callingAeTitle());
        return NResponse.success();
    }

    @Override
    public synchronized NResponse nGet(final NSession session, final String sopClass, final String sopInstance,
        final int[] attributeIdentifiers)
    {
        if (!Uid.MODALITY_PERFORMED_PROCEDURE_STEP_RETRIEVE.equals(sopClass))
        {
            return NServiceHandler.unsupported();
        }
        final DataSet current = instances.get(sopInstance);
        if (current == null)
        {
            return NResponse.of(Status.NO_SUCH_SOP_INSTANCE, "no MPPS " + sopInstance);
        }
        if (attributeIdentifiers.length == 0)
        {
            return NResponse.success(current.copy());
        }
        final DataSet list = new DataSet();
        final List<Integer> unknown = new ArrayList<>();
        for (final int tag : attributeIdentifiers)
        {
            if (current.contains(tag))
            {
                copyAttribute(current, list, tag);
            }
            else if (ElementDictionary.vr(tag) == ValueRepresentation.SQ)
            {
                list.putSequence(tag);
            }
            else if (ElementDictionary.vr(tag) != ValueRepresentation.UN)
            {
                list.put(tag, ElementDictionary.vr(tag), null); // known but without a value: zero length
            }
            else
            {
                unknown.add(tag);
            }
        }
        if (unknown.isEmpty())
        {
            return NResponse.success(list);
        }
        return new NResponse(Status.ATTRIBUTE_LIST_ERROR, null, list, "attributes not known", -1,
            unknown.stream().mapToInt(Integer::intValue).toArray());
    }

    private static NResponse invalidStatus(final String value, final String why)
    {
        final DataSet offending = new DataSet();
        offending.putString(Tag.PERFORMED_PROCEDURE_STEP_STATUS, value);
        return NResponse.of(Status.INVALID_ATTRIBUTE_VALUE, why).withAttributes(offending);
    }

    /** Copies one attribute, replacing any with its tag; a sequence is replaced whole. */
    static void copyAttribute(final DataSet from, final DataSet to, final int tag)
    {
        final int vr = from.vr(tag);
        if (vr == ValueRepresentation.SQ)
        {
            to.remove(tag);
            to.putSequence(tag);
            for (final DataSet item : from.sequence(tag))
            {
                to.addItemCopy(tag, item);
            }
        }
        else
        {
            to.put(tag, vr, from.bytes(tag).clone());
        }
    }

    private void persist(final String uid, final DataSet attributes) throws IOException
    {
        if (directory == null)
        {
            return;
        }
        final String ts = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
        final int encoding = DataSetReader.encodingOf(ts);
        final int metaLength = Part10Writer.metaLength(Uid.MODALITY_PERFORMED_PROCEDURE_STEP, uid, ts, null);
        final int length = attributes.encodedLength(encoding);
        final ByteBuffer bytes = ByteBuffer.allocate(metaLength + length);
        final UnsafeBuffer view = new UnsafeBuffer(bytes);
        Part10Writer.writeMeta(view, 0, Uid.MODALITY_PERFORMED_PROCEDURE_STEP, uid, ts, null);
        attributes.write(view, metaLength, encoding);
        final Path file = directory.resolve(uid + ".dcm"); // the UID was validated: digits and dots only
        final Path partial = directory.resolve(uid + ".dcm.part");
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
        }
        catch (final IOException ex)
        {
            Files.deleteIfExists(partial);
            throw ex;
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
