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
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * An in-memory index of an archive for C-FIND: patient, study, series and instance attributes (the keys of PS3.4
 * C.6.1 and C.6.2 that queries commonly use) and each instance's file. Control plane: allocates freely.
 * <p>
 * Each instance contributes the attributes read from the head of its data set (up to group 0020, never the pixel
 * data). The entities of a level are formed by grouping instances on the level's unique key: Patient ID (0010,0020),
 * Study Instance UID, Series Instance UID, SOP Instance UID (each level on its own key, absent and empty alike);
 * an entity's attributes are those of its first-stored instance, and entities come in the order of their
 * first-stored instances. The computed attributes are added to each entity: Modalities in Study (0008,0061),
 * Number of Patient/Study/Series Related Studies/Series/Instances (0020,1200..1209).
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
     * Indexes an instance from its attributes (tests, or stores that are not files), replacing an entry with the
     * same SOP Instance UID: the instance keeps its place in first-stored order and moves to the patient, study
     * and series its new attributes name.
     *
     * @param attributes at least SOP Instance UID; the index keeps this data set: do not modify it afterwards.
     * @param file       its file, or null.
     * @return the new entry.
     * @throws IllegalArgumentException without a SOP Instance UID.
     * @throws IllegalStateException    if a unique key or the Modality has a VR without text form (nothing changes).
     */
    public Entry add(final DataSet attributes, final Path file)
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
     * The entities of a level that match an identifier's keys ({@link QueryMatcher}), in first-stored order. A
     * key with values (one, or a list) for the unique key of the level or of a level above it narrows the
     * candidates to the entities under those values; otherwise every entity of the level is a candidate.
     *
     * @param level      the level.
     * @param identifier the keys.
     * @param options    matching options.
     * @return the matching entities, new data sets.
     * @throws IllegalArgumentException if a date or time key is malformed.
     */
    public List<DataSet> find(final Level level, final DataSet identifier, final MatchOptions options)
    {
        QueryMatcher.checkKeys(identifier); // refused alike whether or not a candidate would have parsed it
        final List<DataSet> matches = new ArrayList<>();
        for (final DataSet candidate : candidates(level, identifier, options))
        {
            if (QueryMatcher.matches(identifier, candidate, options))
            {
                matches.add(level == Level.IMAGE ? candidate : candidate.copy());
            }
        }
        return matches;
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
        final List<Entry> entries = new ArrayList<>();
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
                    entries.add(((Node)entity).entry);
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
        for (final Entry e : entries)
        {
            out.add(imageEntity(e.attributes()));
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
        final DataSet first = group.members.get(0).entry.attributes();
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

    /** @return the data set of an instance. */
    private static DataSet imageEntity(final DataSet attributes)
    {
        final DataSet entity = new DataSet();
        copy(attributes, entity, Tag.SPECIFIC_CHARACTER_SET);
        copyAll(attributes, entity, PATIENT_TAGS);
        copyAll(attributes, entity, STUDY_TAGS);
        copyAll(attributes, entity, SERIES_TAGS);
        copyAll(attributes, entity, INSTANCE_TAGS);
        return entity;
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
