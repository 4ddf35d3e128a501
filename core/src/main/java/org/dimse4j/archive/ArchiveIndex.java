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
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * An in-memory index of an archive for C-FIND: patient, study, series and instance attributes (the keys of PS3.4
 * C.6.1 and C.6.2 that queries commonly use) and each instance's file. Control plane: allocates freely.
 * <p>
 * Each instance contributes the attributes read from the head of its data set (up to the last attribute indexed,
 * Content Template Sequence (0040,A504), never the pixel data). The entities of a level are formed by grouping
 * instances on the level's unique key: Patient ID (0010,0020), Study Instance UID, Series Instance UID, SOP Instance
 * UID (each level on its own key, absent and empty alike);
 * an entity's attributes are those of its first-stored instance, and entities come in the order of their
 * first-stored instances. The computed attributes are added to each entity: Modalities in Study (0008,0061),
 * Number of Patient/Study/Series Related Studies/Series/Instances (0020,1200..1209).
 * <p>
 * <b>Sequences.</b> A few sequence attributes that PS3.4 Annex C lists as keys, and that archives commonly answer, are
 * kept whole with their items, so that Sequence Matching (C.2.2.2.6) applies to them: Referenced Patient Sequence
 * and Other Patient IDs Sequence (patient), Procedure Code Sequence and Referenced Study Sequence (study), Request
 * Attributes Sequence (series; IHE Scheduled Workflow queries it) and, for structured reports, Concept Name Code
 * Sequence and Content Template Sequence (instance). Memory stays bounded: a sequence longer than
 * {@link #MAX_SEQUENCE_LENGTH} bytes as encoded is not kept, and instances of a series that carry equal sequences
 * share one copy.
 * <p>
 * <b>Supported keys.</b> C-FIND at a level supports, for existence and matching, exactly the attributes its
 * entities hold: those indexed at the level and the levels above, and the level's computed attributes
 * ({@link #supports}). {@link #find} does not match any other key (PS3.4 C.2.2.1.3; the C-FIND SCP answers such
 * matches with Pending 0xFF01 and leaves those keys out of its responses). A supported attribute that an entity
 * lacks is matched as a zero-length value, an unknown one (C.2.2.1.2: it matches when
 * {@link MatchOptions#emptyValueMatches()}), except the unique keys: every entity has one (C.2.2.1.1), and an
 * instance stored without it is not found by a value of it.
 * <p>
 * <b>Incremental.</b> The groups are kept up to date as instances are added or replaced (a replacement keeps its
 * place and moves to the patient, study and series it now names), with counts for the computed attributes; an
 * entity's data set is built when first queried and cached until the entity changes. A query whose identifier has a
 * value or a UID list for the unique key of its level or of a level above tests only the entities under those
 * values (plus those with an empty or multi-valued key, which such a value may also match); any other query tests
 * every entity of its level (studies, not instances).
 * <p>
 * <b>Thread-safe</b>: stores (on any I/O or worker thread, through {@link #onStored}) take a write lock. Queries take
 * the read lock only to choose the candidates and build the data sets of changed entities (cached in a volatile
 * field, never modified once published); matching runs outside the lock, and callers get copies.
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

    /** Sequences kept at the patient level (PS3.4 Table C.6-1). */
    static final int[] PATIENT_SEQUENCES = {Tag.REFERENCED_PATIENT_SEQUENCE, Tag.OTHER_PATIENT_I_DS_SEQUENCE};
    /** Sequences kept at the study level (PS3.4 Tables C.6-2 and C.6-5). */
    static final int[] STUDY_SEQUENCES = {Tag.PROCEDURE_CODE_SEQUENCE, Tag.REFERENCED_STUDY_SEQUENCE};
    /** Sequences kept at the series level ("all other attributes at series level", asked for by IHE SWF). */
    static final int[] SERIES_SEQUENCES = {Tag.REQUEST_ATTRIBUTES_SEQUENCE};
    /** Sequences kept at the instance level (PS3.4 Table C.6-4, recommended for structured reports). */
    static final int[] INSTANCE_SEQUENCES = {Tag.CONCEPT_NAME_CODE_SEQUENCE, Tag.CONTENT_TEMPLATE_SEQUENCE};

    /** Longest sequence kept, in bytes as encoded (header, items and delimiters); a longer one is not indexed. */
    public static final int MAX_SEQUENCE_LENGTH = 8 * 1024;

    private static final int[] ALL_TAGS = allTags(PATIENT_TAGS, STUDY_TAGS, SERIES_TAGS, INSTANCE_TAGS);
    private static final int[] ALL_SEQUENCES = allTags(PATIENT_SEQUENCES, STUDY_SEQUENCES, SERIES_SEQUENCES,
        INSTANCE_SEQUENCES);
    /** The last tag a head is read to. */
    private static final int LAST_TAG = Math.max(ALL_TAGS[ALL_TAGS.length - 1],
        ALL_SEQUENCES[ALL_SEQUENCES.length - 1]);
    /** Per level: the sorted tags of the keys C-FIND supports there ({@link #supports}). */
    private static final int[][] SUPPORTED = supportedTags();

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

    /** The levels above IMAGE, which group instances into {@link Group}s. */
    private static final Level[] GROUP_LEVELS = {Level.PATIENT, Level.STUDY, Level.SERIES};

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    /** Every instance by SOP Instance UID, in first-stored order (a replacement keeps its node and place). */
    private final Map<String, Node> instances = new LinkedHashMap<>();
    /** Per level above IMAGE: the entities by unique key value (absent and empty both as ""). */
    private final List<Map<String, Group>> groups = new ArrayList<>();
    /** Per level above IMAGE: the entities in first-stored order, by the sequence number of their first instance. */
    private final List<TreeMap<Long, Group>> ordered = new ArrayList<>();
    /** Per level above IMAGE: entities that a lookup by value could miss ({@link Entity#irregular}). */
    private final List<Set<Group>> irregularGroups = new ArrayList<>();
    /** Instances that a lookup by SOP Instance UID could miss ({@link Entity#irregular}). */
    private final Set<Node> irregularInstances = new LinkedHashSet<>();
    private long nextSequence;

    /** An empty index. */
    public ArchiveIndex()
    {
        for (int l = 0; l < GROUP_LEVELS.length; l++)
        {
            groups.add(new HashMap<>());
            ordered.add(new TreeMap<>());
            irregularGroups.add(new HashSet<>());
        }
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
        final DataSet sequences = new DataSet();
        final DataSet attributes = readHead(file, info, sequences);
        if (!attributes.contains(Tag.SOP_INSTANCE_UID) && info.mediaStorageSopInstanceUid() != null)
        {
            attributes.putString(Tag.SOP_INSTANCE_UID, info.mediaStorageSopInstanceUid());
        }
        if (!attributes.contains(Tag.SOP_CLASS_UID) && info.mediaStorageSopClassUid() != null)
        {
            attributes.putString(Tag.SOP_CLASS_UID, info.mediaStorageSopClassUid());
        }
        return add(attributes, sequences.size() == 0 ? null : sequences, file);
    }

    /**
     * Indexes an instance from its attributes (tests, or stores that are not files), replacing an entry with the
     * same SOP Instance UID: the instance keeps its place in first-stored order and moves to the patient, study
     * and series its new attributes name.
     *
     * @param attributes at least SOP Instance UID; the index keeps this data set: do not modify it afterwards. Of its
     *                   sequences, those the index keeps (see the class comment) are copied.
     * @param file       its file, or null.
     * @return the new entry.
     * @throws IllegalArgumentException without a SOP Instance UID.
     * @throws IllegalStateException    if a unique key or the Modality has a VR without text form (nothing changes).
     */
    public Entry add(final DataSet attributes, final Path file)
    {
        return add(attributes, keptSequences(attributes), file);
    }

    /** Adds an instance with the sequences kept of it (and its Specific Character Set), or null. */
    private Entry add(final DataSet attributes, final DataSet sequences, final Path file)
    {
        final String uid = attributes.string(Tag.SOP_INSTANCE_UID);
        if (uid == null || uid.isEmpty())
        {
            throw new IllegalArgumentException("an instance without SOP Instance UID cannot be indexed");
        }
        final Entry entry = new Entry(attributes, file);
        final String[] keys = new String[GROUP_LEVELS.length];
        for (int l = 0; l < keys.length; l++)
        {
            keys[l] = key(attributes, GROUP_LEVELS[l]);
        }
        final String modality = attributes.string(Tag.MODALITY);
        final boolean irregular = irregular(attributes, Level.IMAGE);
        lock.writeLock().lock();
        try
        {
            Node node = instances.get(uid);
            if (node == null)
            {
                node = new Node(nextSequence++);
                instances.put(uid, node);
            }
            else
            {
                detach(node);
            }
            node.entry = entry;
            node.keys = keys;
            node.modality = modality == null || modality.isEmpty() ? null : modality;
            node.irregular = irregular;
            attach(node);
            node.sequences = share(node, sequences);
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
            final Node node = instances.get(sopInstanceUid);
            return node == null ? null : node.entry;
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
        final List<DataSet> all = candidates(level, null, MatchOptions.DEFAULT);
        final List<DataSet> out = new ArrayList<>(all.size());
        for (final DataSet entity : all)
        {
            out.add(level == Level.IMAGE ? entity : entity.copy());
        }
        return out;
    }

    /**
     * The entities of a level that match an identifier's keys ({@link QueryMatcher}), in first-stored order. Only
     * the keys supported at the level are matched ({@link #supportedKeys}); a supported attribute an entity lacks,
     * other than a unique key, is matched as a zero-length (unknown) value (see the class comment). A key with
     * values (one, or a list) for the unique key of the level or of a level above it narrows the candidates to the
     * entities under those values; otherwise every entity of the level is a candidate.
     *
     * @param level      the level.
     * @param identifier the keys.
     * @param options    matching options.
     * @return the matching entities, new data sets.
     * @throws IllegalArgumentException if a date or time key is malformed, even one not supported at the level.
     */
    public List<DataSet> find(final Level level, final DataSet identifier, final MatchOptions options)
    {
        QueryMatcher.checkKeys(identifier); // refused alike whether or not a candidate would have parsed it
        final DataSet keys = supportedKeys(level, identifier);
        final List<DataSet> matches = new ArrayList<>();
        for (final DataSet candidate : candidates(level, keys, options))
        {
            if (matches(keys, candidate, options))
            {
                matches.add(level == Level.IMAGE ? candidate : candidate.copy());
            }
        }
        return matches;
    }

    /**
     * @param level a level.
     * @param tag   the tag of a key.
     * @return true if C-FIND at the level supports the key, for existence and matching: an attribute indexed at the
     *         level or a level above, a sequence kept there (see the class comment), or an attribute computed for the
     *         level (e.g. Number of Study Related Instances at STUDY); false for any other, private and unknown
     *         attributes included.
     */
    public static boolean supports(final Level level, final int tag)
    {
        return Arrays.binarySearch(SUPPORTED[level.ordinal()], tag) >= 0;
    }

    /**
     * The identifier without the keys C-FIND does not support at the level ({@link #supports}): PS3.4 C.2.2.1.3
     * says such a key is not matched and, not being supported for existence, not returned in responses. The
     * attributes that only qualify the request (Specific Character Set, Query/Retrieve Level, Timezone Offset From
     * UTC) and group lengths stay.
     *
     * @param level      the level.
     * @param identifier a request identifier.
     * @return {@code identifier} itself if it has no unsupported key, else a copy without them.
     */
    public static DataSet supportedKeys(final Level level, final DataSet identifier)
    {
        DataSet keys = identifier;
        for (int i = 0; i < identifier.size(); i++)
        {
            final int tag = identifier.tagAt(i);
            final boolean qualifier = tag == Tag.SPECIFIC_CHARACTER_SET || tag == Tag.QUERY_RETRIEVE_LEVEL ||
                tag == Tag.TIMEZONE_OFFSET_FROM_UTC || (tag & 0xFFFF) == 0;
            if (!qualifier && !supports(level, tag))
            {
                if (keys == identifier)
                {
                    keys = identifier.copy();
                }
                keys.remove(tag);
            }
        }
        return keys;
    }

    /**
     * Matches supported keys ({@link #supportedKeys}) against an entity of the index, an attribute the entity lacks
     * being unknown unless it is a unique key (see the class comment).
     */
    static boolean matches(final DataSet keys, final DataSet entity, final MatchOptions options)
    {
        return QueryMatcher.matches(keys, entity, options, ArchiveIndex::unknownWhenAbsent);
    }

    private static boolean unknownWhenAbsent(final int tag)
    {
        return tag != Tag.PATIENT_ID && tag != Tag.STUDY_INSTANCE_UID && tag != Tag.SERIES_INSTANCE_UID &&
            tag != Tag.SOP_INSTANCE_UID;
    }

    /**
     * @return the sequences kept of an instance (tests: proves they are shared), or null.
     */
    DataSet sequencesOf(final String sopInstanceUid)
    {
        lock.readLock().lock();
        try
        {
            final Node node = instances.get(sopInstanceUid);
            return node == null ? null : node.sequences;
        }
        finally
        {
            lock.readLock().unlock();
        }
    }

    /**
     * @return how many entities {@link #find} would test against the identifier (tests: proves the narrowing).
     */
    int candidateCount(final Level level, final DataSet identifier, final MatchOptions options)
    {
        return candidates(level, identifier, options).size();
    }

    // ------------------------------------------------------------------------------------------------ internals

    /** An entity of the index: a patient, study or series ({@link Group}) or an instance ({@link Node}). */
    private abstract static class Entity
    {
        /** @return the sequence number of its first instance, which orders the entities of a level. */
        abstract long order();
    }

    /** One instance. Fields other than {@link #sequence} change only under the write lock. */
    private static final class Node extends Entity
    {
        final long sequence;
        Entry entry;
        /** Its unique key values for PATIENT, STUDY and SERIES ({@link #key}). */
        String[] keys;
        /** Its Modality, or null if absent or empty. */
        String modality;
        /** True if a lookup of its SOP Instance UID could miss it. */
        boolean irregular;
        /**
         * The sequences kept of it, with its Specific Character Set to read them, or null; shared with another
         * instance of its series when equal ({@link #share}). Never modified once set.
         */
        DataSet sequences;

        Node(final long sequence)
        {
            this.sequence = sequence;
        }

        @Override
        long order()
        {
            return sequence;
        }
    }

    /** A patient, study or series: the instances with one value of the level's unique key. */
    private static final class Group extends Entity
    {
        final Level level;
        final String key;
        /** Its instances by {@link Node#sequence}: the first one gives the entity's attributes. */
        final ArrayList<Node> members = new ArrayList<>();
        /** Per level below this one and above IMAGE: how many members have each unique key value. */
        final List<Map<String, Integer>> below = new ArrayList<>();
        /** STUDY: how many members have each non-empty Modality, sorted for Modalities in Study. */
        final TreeMap<String, Integer> modalities = new TreeMap<>();
        /** Members whose value of the unique key has a VR other than the dictionary's. */
        int irregularMembers;
        /**
         * Its data set, built on demand and cached until the group changes: written null under the write lock when the entity changes, built and written under
         * the read lock (two readers may both build it; they build equal data sets), read under the read lock.
         * Never modified once published.
         */
        volatile DataSet dataSet;


        Group(final Level level, final String key)
        {
            this.level = level;
            this.key = key;
            for (int l = level.ordinal() + 1; l < GROUP_LEVELS.length; l++)
            {
                below.add(new HashMap<>());
            }
        }

        @Override
        long order()
        {
            return members.get(0).sequence;
        }

        /** @return the counts of the member values of a lower level's unique key. */
        Map<String, Integer> below(final Level lower)
        {
            return below.get(lower.ordinal() - level.ordinal() - 1);
        }

        /** A multi-valued key (matched value by value) or an unusual VR is not found by a lookup of one value. */
        boolean irregular()
        {
            return irregularMembers > 0 || key.indexOf('\\') >= 0;
        }

        int position(final Node node)
        {
            int low = 0;
            int high = members.size() - 1;
            while (low <= high)
            {
                final int mid = (low + high) >>> 1;
                final long s = members.get(mid).sequence;
                if (s < node.sequence)
                {
                    low = mid + 1;
                }
                else if (s > node.sequence)
                {
                    high = mid - 1;
                }
                else
                {
                    return mid;
                }
            }
            return -(low + 1);
        }
    }

    /** Adds a node to the groups its keys name. Under the write lock. */
    private void attach(final Node node)
    {
        if (node.irregular || node.entry.sopInstanceUid().indexOf('\\') >= 0)
        {
            irregularInstances.add(node);
        }
        for (int l = 0; l < GROUP_LEVELS.length; l++)
        {
            final Level level = GROUP_LEVELS[l];
            Group group = groups.get(l).get(node.keys[l]);
            if (group == null)
            {
                group = new Group(level, node.keys[l]);
                groups.get(l).put(group.key, group);
            }
            else
            {
                ordered.get(l).remove(group.order());
            }
            group.members.add(-(group.position(node) + 1), node);
            ordered.get(l).put(group.order(), group);
            for (int m = l + 1; m < GROUP_LEVELS.length; m++)
            {
                group.below(GROUP_LEVELS[m]).merge(node.keys[m], 1, Integer::sum);
            }
            if (level == Level.STUDY && node.modality != null)
            {
                group.modalities.merge(node.modality, 1, Integer::sum);
            }
            if (irregular(node.entry.attributes(), level))
            {
                group.irregularMembers++;
            }
            if (group.irregular())
            {
                irregularGroups.get(l).add(group);
            }
            group.dataSet = null;
        }
    }

    /** Removes a node from its groups, dropping those left empty. Under the write lock. */
    private void detach(final Node node)
    {
        irregularInstances.remove(node);
        for (int l = 0; l < GROUP_LEVELS.length; l++)
        {
            final Level level = GROUP_LEVELS[l];
            final Group group = groups.get(l).get(node.keys[l]);
            ordered.get(l).remove(group.order());
            group.members.remove(group.position(node));
            for (int m = l + 1; m < GROUP_LEVELS.length; m++)
            {
                group.below(GROUP_LEVELS[m]).merge(node.keys[m], -1, ArchiveIndex::sumOrNull);
            }
            if (level == Level.STUDY && node.modality != null)
            {
                group.modalities.merge(node.modality, -1, ArchiveIndex::sumOrNull);
            }
            if (irregular(node.entry.attributes(), level))
            {
                group.irregularMembers--;
            }
            if (!group.irregular())
            {
                irregularGroups.get(l).remove(group);
            }
            if (group.members.isEmpty())
            {
                groups.get(l).remove(group.key);
                irregularGroups.get(l).remove(group);
            }
            else
            {
                ordered.get(l).put(group.order(), group);
            }
            group.dataSet = null;
        }
    }

    /**
     * @return an equal sequences data set of another instance of the node's series, the first or the second (the
     *         instances of a series usually carry the same sequences), else {@code sequences}. Under the write lock,
     *         after {@link #attach}.
     */
    private DataSet share(final Node node, final DataSet sequences)
    {
        if (sequences == null)
        {
            return null;
        }
        final List<Node> series = groups.get(Level.SERIES.ordinal()).get(node.keys[Level.SERIES.ordinal()]).members;
        for (int i = 0; i < Math.min(2, series.size()); i++)
        {
            final Node other = series.get(i);
            if (other != node && sequences.equals(other.sequences))
            {
                return other.sequences;
            }
        }
        return sequences;
    }

    private static Integer sumOrNull(final Integer a, final Integer b)
    {
        final int sum = a + b;
        return sum == 0 ? null : sum;
    }

    /** @return the value of the level's unique key by which instances are grouped; "" if absent or empty. */
    private static String key(final DataSet attributes, final Level level)
    {
        final String key = attributes.string(level.uniqueKey());
        return key == null ? "" : key;
    }

    /** @return true if the attributes hold the level's unique key with a VR other than the dictionary's. */
    private static boolean irregular(final DataSet attributes, final Level level)
    {
        final int vr = attributes.vr(level.uniqueKey());
        return vr != DataSet.ABSENT && vr != ElementDictionary.vr(level.uniqueKey());
    }

    /**
     * The data sets of the candidate entities of a query, in first-stored order: those under the values of the
     * lowest unique key the identifier gives a value or a list for, at the level or above; else all of the level.
     * The group data sets are the cached ones (copy before handing out); the instance data sets are new.
     */
    private List<DataSet> candidates(final Level level, final DataSet identifier, final MatchOptions options)
    {
        final List<DataSet> out = new ArrayList<>();
        final List<DataSet> sequences = level == Level.IMAGE ? new ArrayList<>() : null;
        lock.readLock().lock();
        try
        {
            final Collection<? extends Entity> all = level == Level.IMAGE ? instances.values() :
                ordered.get(level.ordinal()).values();
            Collection<? extends Entity> chosen = all;
            for (int u = level.ordinal(); u >= 0 && chosen == all && identifier != null; u--)
            {
                final String[] values = lookupValues(identifier, Level.values()[u]);
                if (values != null)
                {
                    chosen = lookup(level, Level.values()[u], values, options);
                }
            }
            for (final Entity entity : chosen)
            {
                if (level == Level.IMAGE)
                {
                    // the fields, read under the lock: a store may replace them as soon as it is released
                    final Node node = (Node)entity;
                    out.add(node.entry.attributes());
                    sequences.add(node.sequences);
                }
                else
                {
                    // read once, under the lock: a store may clear the field as soon as the lock is released
                    final Group group = (Group)entity;
                    DataSet dataSet = group.dataSet;
                    if (dataSet == null)
                    {
                        dataSet = entity(group);
                        group.dataSet = dataSet;
                    }
                    out.add(dataSet);
                }
            }
        }
        finally
        {
            lock.readLock().unlock();
        }
        // Instances: built outside the lock and not cached, since an instance's attributes never change once indexed.
        for (int i = 0; sequences != null && i < out.size(); i++)
        {
            out.set(i, imageEntity(out.get(i), sequences.get(i)));
        }
        return out;
    }

    /**
     * @return the values of the level's unique key in the identifier, if they can be looked up (a value or list of
     *         the dictionary's VR, no wild card in a Patient ID), else null.
     */
    private static String[] lookupValues(final DataSet identifier, final Level level)
    {
        final int tag = level.uniqueKey();
        if (identifier.vr(tag) != ElementDictionary.vr(tag) || QueryMatcher.isUniversal(identifier, tag))
        {
            return null;
        }
        final String[] values = identifier.strings(tag);
        for (final String value : values)
        {
            if (QueryMatcher.allowsWildCards(identifier.vr(tag)) && (value.indexOf('*') >= 0 ||
                value.indexOf('?') >= 0))
            {
                return null;
            }
        }
        return values;
    }

    /**
     * The entities of {@code level} that may match the values of the unique key of {@code by} (the level or one
     * above): those whose first instance is under an entity of {@code by} with one of the values, the empty one
     * (an empty value may match), or one a lookup could miss. Under the read lock.
     */
    private Collection<Entity> lookup(final Level level, final Level by, final String[] values,
        final MatchOptions options)
    {
        boolean empty = options.emptyValueMatches();
        final Set<Entity> found = new HashSet<>();
        final List<Entity> upper = new ArrayList<>();
        final Map<String, ? extends Entity> byKey = by == Level.IMAGE ? instances : groups.get(by.ordinal());
        for (final String value : values)
        {
            empty |= value.isEmpty();
            addNonNull(upper, byKey.get(value));
        }
        if (by == Level.IMAGE)
        {
            upper.addAll(irregularInstances);
        }
        else
        {
            if (empty)
            {
                addNonNull(upper, byKey.get(""));
            }
            upper.addAll(irregularGroups.get(by.ordinal()));
        }
        for (final Entity entity : upper)
        {
            if (by == level)
            {
                found.add(entity);
            }
            else if (level == Level.IMAGE)
            {
                found.addAll(((Group)entity).members);
            }
            else
            {
                for (final String key : ((Group)entity).below(level).keySet())
                {
                    found.add(groups.get(level.ordinal()).get(key));
                }
            }
        }
        final List<Entity> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingLong(Entity::order));
        return sorted;
    }

    private static <T> void addNonNull(final List<? super T> list, final T value)
    {
        if (value != null)
        {
            list.add(value);
        }
    }

    /** @return the data set of a patient, study or series; under the read lock. */
    private static DataSet entity(final Group group)
    {
        final Level level = group.level;
        final Node firstNode = group.members.get(0);
        final DataSet first = firstNode.entry.attributes();
        final DataSet entity = new DataSet();
        copy(first, entity, Tag.SPECIFIC_CHARACTER_SET);
        copyAll(first, entity, PATIENT_TAGS);
        copySequences(firstNode.sequences, entity, PATIENT_SEQUENCES);
        if (level.ordinal() >= Level.STUDY.ordinal())
        {
            copyAll(first, entity, STUDY_TAGS);
            copySequences(firstNode.sequences, entity, STUDY_SEQUENCES);
        }
        if (level.ordinal() >= Level.SERIES.ordinal())
        {
            copyAll(first, entity, SERIES_TAGS);
            copySequences(firstNode.sequences, entity, SERIES_SEQUENCES);
        }
        final String count = Integer.toString(group.members.size());
        switch (level)
        {
            case PATIENT:
                entity.putString(Tag.NUMBER_OF_PATIENT_RELATED_STUDIES, distinct(group.below(Level.STUDY)));
                entity.putString(Tag.NUMBER_OF_PATIENT_RELATED_SERIES, distinct(group.below(Level.SERIES)));
                entity.putString(Tag.NUMBER_OF_PATIENT_RELATED_INSTANCES, count);
                break;
            case STUDY:
                entity.putString(Tag.MODALITIES_IN_STUDY, String.join("\\", group.modalities.keySet()));
                entity.putString(Tag.NUMBER_OF_STUDY_RELATED_SERIES, distinct(group.below(Level.SERIES)));
                entity.putString(Tag.NUMBER_OF_STUDY_RELATED_INSTANCES, count);
                break;
            default:
                entity.putString(Tag.NUMBER_OF_SERIES_RELATED_INSTANCES, count);
                break;
        }
        return entity;
    }

    /** @return the number of distinct non-empty values, as text. */
    private static String distinct(final Map<String, Integer> counts)
    {
        return Integer.toString(counts.size() - (counts.containsKey("") ? 1 : 0));
    }

    /** @return the data set of an instance, from its attributes and its kept sequences (or null). */
    private static DataSet imageEntity(final DataSet attributes, final DataSet sequences)
    {
        final DataSet entity = new DataSet();
        copy(attributes, entity, Tag.SPECIFIC_CHARACTER_SET);
        copyAll(attributes, entity, PATIENT_TAGS);
        copyAll(attributes, entity, STUDY_TAGS);
        copyAll(attributes, entity, SERIES_TAGS);
        copyAll(attributes, entity, INSTANCE_TAGS);
        copySequences(sequences, entity, ALL_SEQUENCES);
        return entity;
    }

    /** Copies the items of those of the sequences that {@code from} (or null) holds. */
    private static void copySequences(final DataSet from, final DataSet to, final int[] tags)
    {
        if (from == null)
        {
            return;
        }
        for (final int tag : tags)
        {
            final List<DataSet> items = from.sequence(tag);
            if (items != null)
            {
                to.putSequence(tag);
                for (final DataSet item : items)
                {
                    to.addItemCopy(tag, item);
                }
            }
        }
    }

    /**
     * @return the sequences of an instance's attributes that the index keeps, each at most
     *         {@link #MAX_SEQUENCE_LENGTH} bytes as encoded, copied with the Specific Character Set; null if none.
     */
    private static DataSet keptSequences(final DataSet attributes)
    {
        DataSet kept = null;
        for (final int tag : ALL_SEQUENCES)
        {
            final List<DataSet> items = attributes.sequence(tag);
            if (items == null)
            {
                continue;
            }
            if (encodedLength(tag, items) > MAX_SEQUENCE_LENGTH)
            {
                LOG.debug("{} of {} not indexed: longer than {} bytes", ElementDictionary.keyword(tag),
                    attributes.string(Tag.SOP_INSTANCE_UID), MAX_SEQUENCE_LENGTH);
                continue;
            }
            if (kept == null)
            {
                kept = new DataSet();
                copy(attributes, kept, Tag.SPECIFIC_CHARACTER_SET);
            }
            copySequences(attributes, kept, new int[] {tag});
        }
        return kept;
    }

    /** @return the length of a sequence in Explicit VR Little Endian, or MAX_VALUE if a value cannot be encoded. */
    private static int encodedLength(final int tag, final List<DataSet> items)
    {
        final DataSet alone = new DataSet();
        alone.putSequence(tag).addAll(items); // not copied: only measured
        try
        {
            return alone.encodedLength(DataSetReader.EXPLICIT_LITTLE);
        }
        catch (final IllegalStateException ex)
        {
            return Integer.MAX_VALUE;
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

    /**
     * Reads the indexed attributes of a file's data set into a new data set, and the kept sequences (each at most
     * {@link #MAX_SEQUENCE_LENGTH} bytes) with the Specific Character Set into {@code sequences}.
     */
    private static DataSet readHead(final Path file, final Part10Info info, final DataSet sequences)
        throws IOException
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
                final UnsafeBuffer buffer = new UnsafeBuffer(mapped);
                final DataSetReader reader = new DataSetReader().wrap(buffer, 0, length, encoding);
                int sequenceStart = -1; // a kept sequence of undefined length: its end is where next() goes on
                int sequenceTag = 0;
                while (true)
                {
                    final boolean more = reader.next();
                    if (sequenceStart >= 0)
                    {
                        final int end = more ? reader.elementOffset() : length;
                        keepSequence(buffer, sequenceStart, end - sequenceStart, encoding, sequenceTag, sequences);
                        sequenceStart = -1;
                    }
                    if (!more || Integer.compareUnsigned(reader.tag(), LAST_TAG) > 0)
                    {
                        break;
                    }
                    final int tag = reader.tag();
                    if (isKeptSequence(tag))
                    {
                        if (reader.valueLength() == DataSetReader.UNDEFINED_LENGTH)
                        {
                            sequenceStart = reader.elementOffset();
                            sequenceTag = tag;
                        }
                        else
                        {
                            keepSequence(buffer, reader.elementOffset(), reader.headerLength() + reader.valueLength(),
                                encoding, tag, sequences);
                        }
                    }
                    else if (wanted(tag) && reader.vr() != ValueRepresentation.SQ && reader.valueLength() >= 0)
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
        if (sequences.size() > 0)
        {
            copy(attributes, sequences, Tag.SPECIFIC_CHARACTER_SET);
        }
        return attributes;
    }

    /**
     * Parses one sequence element of a head into {@code sequences}, unless it is longer than
     * {@link #MAX_SEQUENCE_LENGTH} or malformed (then it is left out, and the rest of the head is still read).
     */
    private static void keepSequence(final UnsafeBuffer buffer, final int offset, final int length,
        final int encoding, final int tag, final DataSet sequences)
    {
        if (length > MAX_SEQUENCE_LENGTH)
        {
            LOG.debug("{} not indexed: {} bytes, more than {}", ElementDictionary.keyword(tag), length,
                MAX_SEQUENCE_LENGTH);
            return;
        }
        try
        {
            final List<DataSet> items = DataSet.read(buffer, offset, length, encoding).sequence(tag);
            if (items != null)
            {
                sequences.putSequence(tag);
                for (final DataSet item : items)
                {
                    sequences.addItemCopy(tag, item);
                }
            }
        }
        catch (final DataSetException ex)
        {
            LOG.debug("{} not indexed: {}", ElementDictionary.keyword(tag), ex.getMessage());
        }
    }

    private static boolean isKeptSequence(final int tag)
    {
        return Arrays.binarySearch(ALL_SEQUENCES, tag) >= 0;
    }

    private static boolean wanted(final int tag)
    {
        return Arrays.binarySearch(ALL_TAGS, tag) >= 0;
    }

    /** @return the tags of the groups, sorted, without duplicates. */
    private static int[] allTags(final int[]... groups)
    {
        final TreeSet<Integer> tags = new TreeSet<>();
        for (final int[] group : groups)
        {
            for (final int t : group)
            {
                tags.add(t);
            }
        }
        return tags.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[][] supportedTags()
    {
        final int[][] supported = new int[Level.values().length][];
        supported[Level.PATIENT.ordinal()] = allTags(PATIENT_TAGS, PATIENT_SEQUENCES,
            new int[] {Tag.NUMBER_OF_PATIENT_RELATED_STUDIES, Tag.NUMBER_OF_PATIENT_RELATED_SERIES,
                Tag.NUMBER_OF_PATIENT_RELATED_INSTANCES});
        supported[Level.STUDY.ordinal()] = allTags(PATIENT_TAGS, PATIENT_SEQUENCES, STUDY_TAGS, STUDY_SEQUENCES,
            new int[] {Tag.MODALITIES_IN_STUDY, Tag.NUMBER_OF_STUDY_RELATED_SERIES,
                Tag.NUMBER_OF_STUDY_RELATED_INSTANCES});
        supported[Level.SERIES.ordinal()] = allTags(PATIENT_TAGS, PATIENT_SEQUENCES, STUDY_TAGS, STUDY_SEQUENCES,
            SERIES_TAGS, SERIES_SEQUENCES, new int[] {Tag.NUMBER_OF_SERIES_RELATED_INSTANCES});
        supported[Level.IMAGE.ordinal()] = allTags(PATIENT_TAGS, PATIENT_SEQUENCES, STUDY_TAGS, STUDY_SEQUENCES,
            SERIES_TAGS, SERIES_SEQUENCES, INSTANCE_TAGS, INSTANCE_SEQUENCES);
        return supported;
    }
}
