package org.dimse4j.archive;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.DataSetException;
import org.dimse4j.data.DataSetReader;
import org.dimse4j.data.ElementDictionary;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.Tag;
import org.dimse4j.data.ValueRepresentation;
import org.dimse4j.query.MatchOptions;
import org.dimse4j.query.QueryMatcher;
import org.dimse4j.service.StoredInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * An in-memory index of an archive for C-FIND: patient, study, series and instance attributes (the keys of PS3.4
 * C.6.1 and C.6.2 that queries commonly use) and each instance's file. Control plane: allocates freely.
 * <p>
 * Each instance contributes the attributes read from the head of its data set (up to group 0020, never the pixel
 * data). The entities of a level are formed by grouping instances on the level's unique key: Patient ID (0010,0020),
 * Study Instance UID, Series Instance UID, SOP Instance UID; an entity's attributes are those of its first instance.
 * The computed attributes are added when a level is queried: Modalities in Study (0008,0061), Number of
 * Patient/Study/Series Related Studies/Series/Instances (0020,1200..1209).
 * <p>
 * Thread-safe: stores (on I/O threads, through {@link #onStored}) take a write lock, queries a read lock.
 */
public final class ArchiveIndex
{
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveIndex.class);

    /** Largest data set head mapped to find the indexed attributes. */
    private static final int MAX_HEAD = 1 << 20;

    /** The query/retrieve levels of PS3.4 C.6. */
    public enum Level
    {
        /** Patient level: unique key Patient ID. */
        PATIENT(Tag.PATIENT_ID),
        /** Study level: unique key Study Instance UID. */
        STUDY(Tag.STUDY_INSTANCE_UID),
        /** Series level: unique key Series Instance UID. */
        SERIES(Tag.SERIES_INSTANCE_UID),
        /** Composite object instance level: unique key SOP Instance UID. */
        IMAGE(Tag.SOP_INSTANCE_UID);

        private final int uniqueKey;

        Level(final int uniqueKey)
        {
            this.uniqueKey = uniqueKey;
        }

        /** @return the tag of the level's unique key. */
        public int uniqueKey()
        {
            return uniqueKey;
        }

        /**
         * @param value a Query/Retrieve Level (0008,0052) value.
         * @return the level, or null if it names none.
         */
        public static Level of(final String value)
        {
            if (value == null)
            {
                return null;
            }
            for (final Level level : values())
            {
                if (level.name().equals(value.trim()))
                {
                    return level;
                }
            }
            return null;
        }
    }

    /** Attributes indexed at the patient level. */
    static final int[] PATIENT_TAGS = {Tag.PATIENT_NAME, Tag.PATIENT_ID, Tag.PATIENT_BIRTH_DATE, Tag.PATIENT_SEX};
    /** Attributes indexed at the study level. */
    static final int[] STUDY_TAGS = {Tag.STUDY_DATE, Tag.STUDY_TIME, Tag.ACCESSION_NUMBER,
        Tag.REFERRING_PHYSICIAN_NAME, Tag.STUDY_DESCRIPTION, Tag.STUDY_INSTANCE_UID, Tag.STUDY_ID};
    /** Attributes indexed at the series level. */
    static final int[] SERIES_TAGS = {Tag.MODALITY, Tag.SERIES_DESCRIPTION, Tag.SERIES_INSTANCE_UID,
        Tag.SERIES_NUMBER};
    /** Attributes indexed at the instance level. */
    static final int[] INSTANCE_TAGS = {Tag.SPECIFIC_CHARACTER_SET, Tag.SOP_CLASS_UID, Tag.SOP_INSTANCE_UID,
        Tag.INSTANCE_NUMBER};

    private static final int[] ALL_TAGS = allTags();

    /**
     * One indexed instance.
     *
     * @param attributes the indexed attributes of its head (text values, padding removed); do not modify.
     * @param path       its file, or null.
     */
    public record Entry(DataSet attributes, Path path)
    {
        /** @return its SOP Instance UID. */
        public String sopInstanceUid()
        {
            return attributes.string(Tag.SOP_INSTANCE_UID);
        }
    }

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Entry> instances = new LinkedHashMap<>();

    /** An empty index. */
    public ArchiveIndex()
    {
    }

    /**
     * Walks an archive directory (skipping {@code .incoming}) and indexes every Part 10 file in it; files that
     * cannot be read are logged and skipped.
     *
     * @param dir the archive root.
     * @return the index.
     * @throws IOException if the directory cannot be walked.
     */
    public static ArchiveIndex rebuild(final Path dir) throws IOException
    {
        final ArchiveIndex index = new ArchiveIndex();
        if (!Files.isDirectory(dir))
        {
            return index;
        }
        final Path incoming = dir.resolve(".incoming");
        try (Stream<Path> files = Files.walk(dir))
        {
            files.filter(p -> !p.startsWith(incoming) && Files.isRegularFile(p)).forEach(p ->
            {
                try
                {
                    index.add(p);
                }
                catch (final IOException | RuntimeException ex)
                {
                    LOG.info("not indexed: {}: {}", p, ex.getMessage());
                }
            });
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        return index;
    }

    /**
     * Indexes a Part 10 file from its head (replacing an entry with the same SOP Instance UID).
     *
     * @param file the file.
     * @return the new entry.
     * @throws IOException if it cannot be read or parsed.
     */
    public Entry add(final Path file) throws IOException
    {
        final Part10Info info;
        try
        {
            info = Part10Reader.read(file);
        }
        catch (final DataSetException ex)
        {
            throw new IOException(ex.getMessage(), ex);
        }
        final DataSet attributes = readHead(file, info);
        if (!attributes.contains(Tag.SOP_INSTANCE_UID) && info.mediaStorageSopInstanceUid() != null)
        {
            attributes.putString(Tag.SOP_INSTANCE_UID, info.mediaStorageSopInstanceUid());
        }
        if (!attributes.contains(Tag.SOP_CLASS_UID) && info.mediaStorageSopClassUid() != null)
        {
            attributes.putString(Tag.SOP_CLASS_UID, info.mediaStorageSopClassUid());
        }
        return add(attributes, file);
    }

    /**
     * Indexes an instance from its attributes (tests, or stores that are not files).
     *
     * @param attributes at least SOP Instance UID; the index keeps this data set: do not modify it afterwards.
     * @param file       its file, or null.
     * @return the new entry.
     * @throws IllegalArgumentException without a SOP Instance UID.
     */
    public Entry add(final DataSet attributes, final Path file)
    {
        final String uid = attributes.string(Tag.SOP_INSTANCE_UID);
        if (uid == null || uid.isEmpty())
        {
            throw new IllegalArgumentException("an instance without SOP Instance UID cannot be indexed");
        }
        final Entry entry = new Entry(attributes, file);
        lock.writeLock().lock();
        try
        {
            instances.put(uid, entry);
        }
        finally
        {
            lock.writeLock().unlock();
        }
        return entry;
    }

    /**
     * {@link org.dimse4j.service.StorageListener} method: indexes a stored instance, e.g.
     * {@code new DirectoryStore(dir, durability, duplicates, index::onStored)}. Failures are logged.
     *
     * @param instance what was stored.
     */
    public void onStored(final StoredInstance instance)
    {
        if (instance.path() == null)
        {
            return;
        }
        try
        {
            add(instance.path());
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.warn("stored but not indexed: {}: {}", instance.path(), ex.getMessage());
        }
    }

    /** @return the number of indexed instances. */
    public int size()
    {
        lock.readLock().lock();
        try
        {
            return instances.size();
        }
        finally
        {
            lock.readLock().unlock();
        }
    }

    /**
     * @param sopInstanceUid a SOP Instance UID.
     * @return its entry, or null.
     */
    public Entry entry(final String sopInstanceUid)
    {
        lock.readLock().lock();
        try
        {
            return instances.get(sopInstanceUid);
        }
        finally
        {
            lock.readLock().unlock();
        }
    }

    /**
     * The entities of a level, each as a data set holding its own attributes, those of the levels above it, and
     * the computed attributes of its level.
     *
     * @param level the level.
     * @return new data sets, in first-stored order.
     */
    public List<DataSet> entities(final Level level)
    {
        final Map<String, List<Entry>> groups = new LinkedHashMap<>();
        lock.readLock().lock();
        try
        {
            for (final Entry e : instances.values())
            {
                final String key = e.attributes().string(level.uniqueKey());
                groups.computeIfAbsent(key == null ? "" : key, k -> new ArrayList<>()).add(e);
            }
        }
        finally
        {
            lock.readLock().unlock();
        }
        final List<DataSet> out = new ArrayList<>(groups.size());
        for (final List<Entry> group : groups.values())
        {
            out.add(entity(level, group));
        }
        return out;
    }

    /**
     * The entities of a level that match an identifier's keys ({@link QueryMatcher}).
     *
     * @param level      the level.
     * @param identifier the keys.
     * @param options    matching options.
     * @return the matching entities.
     * @throws IllegalArgumentException if a date or time key is malformed.
     */
    public List<DataSet> find(final Level level, final DataSet identifier, final MatchOptions options)
    {
        final List<DataSet> matches = new ArrayList<>();
        for (final DataSet candidate : entities(level))
        {
            if (QueryMatcher.matches(identifier, candidate, options))
            {
                matches.add(candidate);
            }
        }
        return matches;
    }

    // ------------------------------------------------------------------------------------------------ internals

    private static DataSet entity(final Level level, final List<Entry> group)
    {
        final DataSet first = group.get(0).attributes();
        final DataSet entity = new DataSet();
        copy(first, entity, Tag.SPECIFIC_CHARACTER_SET);
        copyAll(first, entity, PATIENT_TAGS);
        if (level.ordinal() >= Level.STUDY.ordinal())
        {
            copyAll(first, entity, STUDY_TAGS);
        }
        if (level.ordinal() >= Level.SERIES.ordinal())
        {
            copyAll(first, entity, SERIES_TAGS);
        }
        if (level == Level.IMAGE)
        {
            copyAll(first, entity, INSTANCE_TAGS);
            return entity;
        }
        final TreeSet<String> studies = new TreeSet<>();
        final TreeSet<String> series = new TreeSet<>();
        final TreeSet<String> modalities = new TreeSet<>();
        for (final Entry e : group)
        {
            addNonNull(studies, e.attributes().string(Tag.STUDY_INSTANCE_UID));
            addNonNull(series, e.attributes().string(Tag.SERIES_INSTANCE_UID));
            addNonNull(modalities, e.attributes().string(Tag.MODALITY));
        }
        final int count = group.size();
        switch (level)
        {
            case PATIENT:
                entity.putString(Tag.NUMBER_OF_PATIENT_RELATED_STUDIES, Integer.toString(studies.size()));
                entity.putString(Tag.NUMBER_OF_PATIENT_RELATED_SERIES, Integer.toString(series.size()));
                entity.putString(Tag.NUMBER_OF_PATIENT_RELATED_INSTANCES, Integer.toString(count));
                break;
            case STUDY:
                entity.putString(Tag.MODALITIES_IN_STUDY, String.join("\\", modalities));
                entity.putString(Tag.NUMBER_OF_STUDY_RELATED_SERIES, Integer.toString(series.size()));
                entity.putString(Tag.NUMBER_OF_STUDY_RELATED_INSTANCES, Integer.toString(count));
                break;
            default:
                entity.putString(Tag.NUMBER_OF_SERIES_RELATED_INSTANCES, Integer.toString(count));
                break;
        }
        return entity;
    }

    private static void addNonNull(final TreeSet<String> set, final String value)
    {
        if (value != null && !value.isEmpty())
        {
            set.add(value);
        }
    }

    private static void copyAll(final DataSet from, final DataSet to, final int[] tags)
    {
        for (final int tag : tags)
        {
            copy(from, to, tag);
        }
    }

    private static void copy(final DataSet from, final DataSet to, final int tag)
    {
        if (from.contains(tag))
        {
            to.put(tag, from.vr(tag), from.bytes(tag).clone());
        }
    }

    private static DataSet readHead(final Path file, final Part10Info info) throws IOException
    {
        final int encoding = info.encoding();
        if (encoding == DataSetReader.DEFLATED)
        {
            throw new IOException("a deflated data set cannot be indexed: " + file);
        }
        final DataSet attributes = new DataSet();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final int length = (int)Math.min(channel.size() - info.dataSetOffset(), MAX_HEAD);
            if (length <= 0)
            {
                return attributes;
            }
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, info.dataSetOffset(), length);
            try
            {
                final DataSetReader reader = new DataSetReader().wrap(new UnsafeBuffer(mapped), 0, length, encoding);
                while (reader.next() && Integer.compareUnsigned(reader.tag(), 0x0020FFFF) <= 0)
                {
                    final int tag = reader.tag();
                    if (wanted(tag) && reader.vr() != ValueRepresentation.SQ && reader.valueLength() >= 0)
                    {
                        final byte[] value = new byte[reader.valueLength()];
                        reader.buffer().getBytes(reader.valueOffset(), value);
                        attributes.put(tag, ElementDictionary.vr(tag), value); // raw: the charset applies later
                    }
                }
            }
            catch (final DataSetException ex)
            {
                // a head cut off by MAX_HEAD, or a malformed element after what we need: keep what was read
                if (!attributes.contains(Tag.SOP_INSTANCE_UID))
                {
                    throw new IOException("cannot parse the data set of " + file + ": " + ex.getMessage(), ex);
                }
            }
            finally
            {
                IoUtil.unmap(mapped);
            }
        }
        return attributes;
    }

    private static boolean wanted(final int tag)
    {
        for (final int t : ALL_TAGS)
        {
            if (t == tag)
            {
                return true;
            }
        }
        return false;
    }

    private static int[] allTags()
    {
        final List<Integer> tags = new ArrayList<>();
        for (final int[] group : new int[][] {PATIENT_TAGS, STUDY_TAGS, SERIES_TAGS, INSTANCE_TAGS})
        {
            for (final int t : group)
            {
                tags.add(t);
            }
        }
        return tags.stream().mapToInt(Integer::intValue).toArray();
    }
}
