package org.dimse4j.archive;

import org.dimse4j.archive.ArchiveIndex.Level;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.Tag;
import org.dimse4j.query.MatchOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link ArchiveIndex} (incremental hierarchy, narrowed queries, kept sequences shared between instances) against a
 * brute-force oracle: the grouping of every instance on every query that the index used before, kept here as it was,
 * matching with the index's key rules ({@link ArchiveIndex#supportedKeys}, {@link ArchiveIndex#matches}, tested on
 * their own in {@link ArchiveIndexTest}). Random archives with shared patients, studies and series, replacements
 * that move instances between them, and random identifiers (single values, UID lists, wild cards, ranges, empty and
 * universal keys, sequence keys, keys not supported at the level, every level, both models' keys) must give equal
 * lists.
 */
class ArchiveIndexPropertyTest
{
    private static final String[] CHARSETS = {null, "ISO_IR 100", "ISO_IR 192"};
    private static final String[] NAMES = {"DOE^JOHN", "DOE^JANE", "MÜLLER^ÄNNE", "SMITH", "smith^anna", "O?NEIL"};
    private static final String[] MODALITIES = {"CT", "MR", "US", "", null};

    /** The algorithm the index replaced: group all instances by the level's key on every query. */
    static final class Oracle
    {
        final Map<String, DataSet> instances = new LinkedHashMap<>();

        void add(final DataSet attributes)
        {
            instances.put(attributes.string(Tag.SOP_INSTANCE_UID), attributes);
        }

        List<DataSet> entities(final Level level)
        {
            final Map<String, List<DataSet>> groups = new LinkedHashMap<>();
            for (final DataSet e : instances.values())
            {
                final String key = e.string(level.uniqueKey());
                groups.computeIfAbsent(key == null ? "" : key, k -> new ArrayList<>()).add(e);
            }
            final List<DataSet> out = new ArrayList<>();
            for (final List<DataSet> group : groups.values())
            {
                out.add(entity(level, group));
            }
            return out;
        }

        List<DataSet> find(final Level level, final DataSet identifier, final MatchOptions options)
        {
            final List<DataSet> matches = new ArrayList<>();
            final DataSet keys = ArchiveIndex.supportedKeys(level, identifier);
            for (final DataSet candidate : entities(level))
            {
                if (ArchiveIndex.matches(keys, candidate, options))
                {
                    matches.add(candidate);
                }
            }
            return matches;
        }

        private static DataSet entity(final Level level, final List<DataSet> group)
        {
            final DataSet first = group.get(0);
            final DataSet entity = new DataSet();
            copy(first, entity, new int[] {Tag.SPECIFIC_CHARACTER_SET});
            copy(first, entity, ArchiveIndex.PATIENT_TAGS);
            copy(first, entity, ArchiveIndex.PATIENT_SEQUENCES);
            if (level.ordinal() >= Level.STUDY.ordinal())
            {
                copy(first, entity, ArchiveIndex.STUDY_TAGS);
                copy(first, entity, ArchiveIndex.STUDY_SEQUENCES);
            }
            if (level.ordinal() >= Level.SERIES.ordinal())
            {
                copy(first, entity, ArchiveIndex.SERIES_TAGS);
                copy(first, entity, ArchiveIndex.SERIES_SEQUENCES);
            }
            if (level == Level.IMAGE)
            {
                copy(first, entity, ArchiveIndex.INSTANCE_TAGS);
                copy(first, entity, ArchiveIndex.INSTANCE_SEQUENCES);
                return entity;
            }
            final TreeSet<String> studies = new TreeSet<>();
            final TreeSet<String> series = new TreeSet<>();
            final TreeSet<String> modalities = new TreeSet<>();
            for (final DataSet e : group)
            {
                addNonEmpty(studies, e.string(Tag.STUDY_INSTANCE_UID));
                addNonEmpty(series, e.string(Tag.SERIES_INSTANCE_UID));
                addNonEmpty(modalities, e.string(Tag.MODALITY));
            }
            final String count = Integer.toString(group.size());
            switch (level)
            {
                case PATIENT:
                    entity.putString(Tag.NUMBER_OF_PATIENT_RELATED_STUDIES, Integer.toString(studies.size()));
                    entity.putString(Tag.NUMBER_OF_PATIENT_RELATED_SERIES, Integer.toString(series.size()));
                    entity.putString(Tag.NUMBER_OF_PATIENT_RELATED_INSTANCES, count);
                    break;
                case STUDY:
                    entity.putString(Tag.MODALITIES_IN_STUDY, String.join("\\", modalities));
                    entity.putString(Tag.NUMBER_OF_STUDY_RELATED_SERIES, Integer.toString(series.size()));
                    entity.putString(Tag.NUMBER_OF_STUDY_RELATED_INSTANCES, count);
                    break;
                default:
                    entity.putString(Tag.NUMBER_OF_SERIES_RELATED_INSTANCES, count);
                    break;
            }
            return entity;
        }

        private static void addNonEmpty(final TreeSet<String> set, final String value)
        {
            if (value != null && !value.isEmpty())
            {
                set.add(value);
            }
        }

        private static void copy(final DataSet from, final DataSet to, final int[] tags)
        {
            for (final int tag : tags)
            {
                if (from.sequence(tag) != null)
                {
                    to.putSequence(tag);
                    from.sequence(tag).forEach(item -> to.addItemCopy(tag, item));
                }
                else if (from.contains(tag))
                {
                    to.put(tag, from.vr(tag), from.bytes(tag).clone());
                }
            }
        }
    }

    /** A random archive drawn from a fixed pool of patients, studies and series, so that they are shared. */
    static final class Archive
    {
        final Random random;
        final int patients;
        final int studies;
        final int series;
        final int sops;

        Archive(final Random random, final int patients, final int studies, final int series, final int sops)
        {
            this.random = random;
            this.patients = patients;
            this.studies = studies;
            this.series = series;
            this.sops = sops;
        }

        String patientId(final int p)
        {
            return p % 17 == 5 ? " PID" + p : p % 23 == 7 ? "PÄ" + p : "PID" + p;
        }

        String studyUid(final int s)
        {
            return "1.2.3." + s;
        }

        String seriesUid(final int s)
        {
            return "1.2.3.9." + s;
        }

        String sopUid(final int s)
        {
            return "1.2.4." + s;
        }

        DataSet instance()
        {
            final int sop = random.nextInt(sops);
            final int seriesNumber = random.nextInt(series);
            // mostly a tree (series -> study -> patient), sometimes not, as files from the wild can be
            final int study = random.nextInt(40) == 0 ? random.nextInt(studies) : seriesNumber % studies;
            final int patient = random.nextInt(40) == 0 ? random.nextInt(patients) : study % patients;
            final DataSet d = new DataSet();
            final String charset = CHARSETS[random.nextInt(CHARSETS.length)];
            if (charset != null)
            {
                d.putString(Tag.SPECIFIC_CHARACTER_SET, charset);
            }
            d.putString(Tag.SOP_INSTANCE_UID, sopUid(sop));
            d.putString(Tag.SOP_CLASS_UID, ArchiveIndexTest.CT);
            d.putString(Tag.INSTANCE_NUMBER, Integer.toString(sop % 100));
            optional(d, Tag.PATIENT_ID, patientId(patient), 30);
            optional(d, Tag.PATIENT_NAME, NAMES[patient % NAMES.length], 20);
            optional(d, Tag.PATIENT_BIRTH_DATE, "19" + (50 + patient % 50) + "0101", 10);
            optional(d, Tag.PATIENT_SEX, patient % 2 == 0 ? "F" : "M", 10);
            optional(d, Tag.STUDY_INSTANCE_UID, random.nextInt(300) == 0 ? studyUid(study) + "\\" +
                studyUid(study + 1) : studyUid(study), 40);
            optional(d, Tag.STUDY_DATE, "20" + (10 + study % 15) + "0" + (1 + study % 9) + "15", 10);
            optional(d, Tag.STUDY_TIME, (10 + study % 10) + "3000", 10);
            optional(d, Tag.ACCESSION_NUMBER, "A" + study, 10);
            optional(d, Tag.STUDY_ID, "S" + (study % 7), 10);
            optional(d, Tag.STUDY_DESCRIPTION, "Study " + (study % 5), 10);
            optional(d, Tag.SERIES_INSTANCE_UID, seriesUid(seriesNumber), 40);
            final String modality = MODALITIES[(seriesNumber + random.nextInt(20) / 19) % MODALITIES.length];
            if (modality != null)
            {
                d.putString(Tag.MODALITY, modality);
            }
            optional(d, Tag.SERIES_NUMBER, Integer.toString(seriesNumber % 13), 10);
            // sequences: mostly the same for the instances of a study or series (so the index shares them), not always
            if (random.nextInt(3) != 0)
            {
                code(d.addItem(Tag.PROCEDURE_CODE_SEQUENCE), "P" + (random.nextInt(15) == 0 ? study + 1 : study) % 9);
            }
            if (random.nextInt(3) == 0)
            {
                final DataSet request = d.addItem(Tag.REQUEST_ATTRIBUTES_SEQUENCE);
                request.putString(Tag.REQUESTED_PROCEDURE_ID, "RP" + seriesNumber % 5);
                request.putString(Tag.SCHEDULED_PROCEDURE_STEP_ID, "SPS" + seriesNumber % 3);
                if (random.nextInt(4) == 0)
                {
                    d.addItem(Tag.REQUEST_ATTRIBUTES_SEQUENCE).putString(Tag.REQUESTED_PROCEDURE_ID, "RP9");
                }
            }
            if (random.nextInt(10) == 0)
            {
                d.putSequence(Tag.REFERENCED_PATIENT_SEQUENCE); // present, no item: an empty value
            }
            return d;
        }

        private static void code(final DataSet item, final String value)
        {
            item.putString(Tag.CODE_VALUE, value).putString(Tag.CODING_SCHEME_DESIGNATOR, "99TEST")
                .putString(Tag.CODE_MEANING, "Procedure " + value);
        }

        /** Usually the value; now and then absent, or present and empty. */
        private void optional(final DataSet d, final int tag, final String value, final int oneIn)
        {
            final int roll = random.nextInt(oneIn);
            if (roll == 0)
            {
                return;
            }
            d.putString(tag, roll == 1 ? "" : value);
        }

        /** A random identifier for a level, as a C-FIND or a C-GET/C-MOVE may send one. */
        DataSet identifier(final Level level)
        {
            final DataSet keys = new DataSet();
            if (random.nextBoolean())
            {
                keys.putString(Tag.SPECIFIC_CHARACTER_SET, CHARSETS[1 + random.nextInt(2)]);
            }
            keys.putString(Tag.QUERY_RETRIEVE_LEVEL, level.name());
            uniqueKey(keys, Tag.PATIENT_ID, this::patientId, patients);
            if (level.ordinal() >= Level.STUDY.ordinal())
            {
                uniqueKey(keys, Tag.STUDY_INSTANCE_UID, this::studyUid, studies);
            }
            if (level.ordinal() >= Level.SERIES.ordinal())
            {
                uniqueKey(keys, Tag.SERIES_INSTANCE_UID, this::seriesUid, series);
            }
            if (level == Level.IMAGE)
            {
                uniqueKey(keys, Tag.SOP_INSTANCE_UID, this::sopUid, sops);
            }
            switch (random.nextInt(8))
            {
                case 0 -> keys.putString(Tag.PATIENT_NAME, random.nextBoolean() ? "DOE*" : "*ä*");
                case 1 -> keys.putString(Tag.PATIENT_NAME, NAMES[random.nextInt(NAMES.length)]);
                case 2 -> keys.putString(Tag.PATIENT_NAME, "");
                default -> { }
            }
            if (level != Level.PATIENT)
            {
                switch (random.nextInt(6))
                {
                    case 0 -> keys.putString(Tag.STUDY_DATE, "20120101-20161231");
                    case 1 -> keys.putString(Tag.STUDY_DATE, "20" + (10 + random.nextInt(15)) + "0" +
                        (1 + random.nextInt(9)) + "15");
                    case 2 -> keys.putString(Tag.STUDY_DATE, "-20150101");
                    case 3 -> keys.putString(Tag.STUDY_DATE, "");
                    default -> { }
                }
                if (random.nextInt(4) == 0)
                {
                    keys.putString(Tag.ACCESSION_NUMBER, random.nextBoolean() ? "A1*" : "");
                }
                keys.putString(level == Level.STUDY ? Tag.MODALITIES_IN_STUDY : Tag.NUMBER_OF_PATIENT_RELATED_STUDIES,
                    "");
            }
            if (level.ordinal() >= Level.SERIES.ordinal() && random.nextInt(3) == 0)
            {
                keys.putString(Tag.MODALITY, random.nextBoolean() ? "CT" : "MR\\US");
            }
            sequenceKeys(keys, level);
            if (random.nextInt(5) == 0)
            {
                keys.putString(Tag.PATIENT_AGE, "042Y"); // not supported: never narrows the matches
            }
            keys.putString(Tag.NUMBER_OF_STUDY_RELATED_INSTANCES, "");
            return keys;
        }

        private void sequenceKeys(final DataSet keys, final Level level)
        {
            switch (random.nextInt(8))
            {
                case 0 -> keys.putSequence(Tag.PROCEDURE_CODE_SEQUENCE);
                case 1 -> keys.addItem(Tag.PROCEDURE_CODE_SEQUENCE).putString(Tag.CODE_VALUE, "P" + random.nextInt(9))
                    .putString(Tag.CODE_MEANING, "");
                case 2 -> keys.addItem(Tag.PROCEDURE_CODE_SEQUENCE).putString(Tag.CODE_MEANING, "Procedure P1*");
                case 3 -> keys.addItem(Tag.REQUEST_ATTRIBUTES_SEQUENCE)
                    .putString(Tag.REQUESTED_PROCEDURE_ID, "RP" + random.nextInt(6));
                case 4 -> keys.addItem(Tag.REFERENCED_PATIENT_SEQUENCE)
                    .putString(Tag.REFERENCED_SOP_INSTANCE_UID, "1.2.9");
                default -> { }
            }
            if (level == Level.PATIENT && random.nextBoolean())
            {
                keys.putSequence(Tag.REQUEST_ATTRIBUTES_SEQUENCE); // not supported at PATIENT
            }
        }

        private void uniqueKey(final DataSet keys, final int tag, final java.util.function.IntFunction<String> value,
            final int count)
        {
            switch (random.nextInt(9))
            {
                case 0, 1, 2 -> keys.putString(tag, value.apply(random.nextInt(count + 2)));
                case 3 -> keys.putString(tag, value.apply(random.nextInt(count)) + "\\" +
                    value.apply(random.nextInt(count)) + "\\" + value.apply(count + 5));
                case 4 -> keys.putString(tag, "");
                case 5 -> keys.putString(tag, tag == Tag.PATIENT_ID ? "PID1*" : "*");
                case 6 -> keys.putString(tag, value.apply(random.nextInt(count)) + "\\");
                default -> { }
            }
        }
    }

    private static MatchOptions options(final Random random)
    {
        return new MatchOptions(random.nextBoolean(), random.nextInt(4) != 0, random.nextInt(4) == 0);
    }

    /** Returns how many of the queries matched something, so that a degenerate generator is noticed. */
    private static int check(final ArchiveIndex index, final Oracle oracle, final Archive archive,
        final int queries, final long seed)
    {
        int nonEmpty = 0;
        for (final Level level : Level.values())
        {
            assertEquals(oracle.entities(level), index.entities(level), () -> "entities " + level + ", seed " + seed);
        }
        for (int q = 0; q < queries; q++)
        {
            final Level level = Level.values()[archive.random.nextInt(4)];
            final DataSet keys = archive.identifier(level);
            final MatchOptions options = options(archive.random);
            final List<DataSet> expected = oracle.find(level, keys, options);
            assertEquals(expected, index.find(level, keys, options),
                () -> "find " + level + " " + keys + " " + options + ", seed " + seed);
            nonEmpty += expected.isEmpty() ? 0 : 1;
        }
        return nonEmpty;
    }

    @Test
    void shouldAnswerAsTheOracleOverRandomArchivesWithReplacements()
    {
        int queries = 0;
        int nonEmpty = 0;
        for (long seed = 1; seed <= 3; seed++)
        {
            final Random random = new Random(seed);
            final Archive archive = new Archive(random, 30 + random.nextInt(30), 150, 500, 3000);
            final ArchiveIndex index = new ArchiveIndex();
            final Oracle oracle = new Oracle();
            for (int i = 1; i <= 4000; i++)
            {
                final DataSet instance = archive.instance();
                index.add(instance, null);
                oracle.add(instance);
                if (i % 1000 == 0)
                {
                    nonEmpty += check(index, oracle, archive, 200, seed);
                    queries += 200;
                }
            }
            assertEquals(oracle.instances.size(), index.size());
        }
        assertTrue(nonEmpty > queries / 4, nonEmpty + " of " + queries + " queries matched something");
    }

    @Test
    void shouldMoveAReplacedInstanceToItsNewStudyAndSeries()
    {
        final ArchiveIndex index = new ArchiveIndex();
        final Oracle oracle = new Oracle();
        final DataSet[] versions = {
            instance("P1", "1.1", "1.1.1", "1.9.1", "CT"),
            instance("P1", "1.1", "1.1.2", "1.9.2", "MR"),
            instance("P2", "1.2", "1.2.1", "1.9.3", "US"),
            // the first instance moves to another patient, study and series: every group's first changes
            instance("P2", "1.2", "1.2.1", "1.9.1", "US"),
            // and back, ahead of 1.9.3 again by first-stored order
            instance("P1", "1.1", "1.1.1", "1.9.1", "CT")};
        final Archive archive = new Archive(new Random(7), 3, 3, 3, 4);
        for (final DataSet version : versions)
        {
            index.add(version, null);
            oracle.add(version);
            check(index, oracle, archive, 200, 7);
        }
        final DataSet keys = new DataSet().putString(Tag.STUDY_INSTANCE_UID, "1.2");
        keys.putString(Tag.NUMBER_OF_STUDY_RELATED_INSTANCES, "");
        final List<DataSet> study = index.find(Level.STUDY, keys, MatchOptions.DEFAULT);
        assertEquals(1, study.size());
        assertEquals("1", study.get(0).string(Tag.NUMBER_OF_STUDY_RELATED_INSTANCES));
        assertEquals("P2", index.entities(Level.PATIENT).get(1).string(Tag.PATIENT_ID));
    }

    @Test
    void shouldTestOnlyTheEntitiesUnderAUniqueKey()
    {
        final Random random = new Random(11);
        final ArchiveIndex index = new ArchiveIndex();
        final Map<String, Integer> perStudy = new LinkedHashMap<>();
        for (int i = 0; i < 5000; i++)
        {
            final int study = random.nextInt(50);
            final DataSet d = instance("P" + study % 10, "1.2." + study, "1.2." + study + "." + i % 3, "1.9." + i,
                "CT");
            index.add(d, null);
            perStudy.merge("1.2." + study, 1, Integer::sum);
        }
        final DataSet retrieve = new DataSet().putString(Tag.STUDY_INSTANCE_UID, "1.2.7");
        assertEquals(perStudy.get("1.2.7"), index.candidateCount(Level.IMAGE, retrieve, MatchOptions.DEFAULT));
        assertEquals(perStudy.get("1.2.7"), index.find(Level.IMAGE, retrieve, MatchOptions.DEFAULT).size());
        final DataSet list = new DataSet().putString(Tag.STUDY_INSTANCE_UID, "1.2.7\\1.2.8\\9.9");
        assertEquals(2, index.candidateCount(Level.STUDY, list, MatchOptions.DEFAULT));
        final DataSet series = new DataSet().putString(Tag.STUDY_INSTANCE_UID, "1.2.7");
        assertEquals(3, index.candidateCount(Level.SERIES, series, MatchOptions.DEFAULT));
        final DataSet patient = new DataSet().putString(Tag.PATIENT_ID, "P3");
        assertEquals(5, index.candidateCount(Level.STUDY, patient, MatchOptions.DEFAULT));
        final DataSet sop = new DataSet().putString(Tag.SOP_INSTANCE_UID, "1.9.42");
        sop.putString(Tag.STUDY_INSTANCE_UID, "1.2.7");
        assertEquals(1, index.candidateCount(Level.IMAGE, sop, MatchOptions.DEFAULT));
        // no unique key value: every entity of the level, studies not instances
        final DataSet name = new DataSet().putString(Tag.PATIENT_NAME, "DOE*");
        assertEquals(50, index.candidateCount(Level.STUDY, name, MatchOptions.DEFAULT));
        final DataSet wildcard = new DataSet().putString(Tag.PATIENT_ID, "P*");
        assertEquals(50, index.candidateCount(Level.STUDY, wildcard, MatchOptions.DEFAULT));
    }

    /**
     * Two writers (as two I/O threads storing) add and replace instances while a reader queries; nothing throws,
     * every query sees consistent entities, and the end state equals the oracle's fed in the index's order.
     */
    @Test
    @Timeout(60)
    void shouldStayConsistentUnderConcurrentStoresAndQueries() throws Exception
    {
        final ArchiveIndex index = new ArchiveIndex();
        final Map<String, DataSet> last = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        final List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++)
        {
            final Archive archive = new Archive(new Random(100 + w), 20, 80, 200, 4000);
            final String prefix = w + ".";
            writers.add(new Thread(() ->
            {
                for (int i = 0; i < 12000; i++)
                {
                    final DataSet d = archive.instance();
                    d.putString(Tag.SOP_INSTANCE_UID, prefix + d.string(Tag.SOP_INSTANCE_UID));
                    index.add(d, null);
                    last.put(d.string(Tag.SOP_INSTANCE_UID), d);
                }
            }));
        }
        final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Thread reader = new Thread(() ->
        {
            final Archive archive = new Archive(new Random(200), 20, 80, 200, 1500);
            while (!done.get())
            {
                try
                {
                    for (final DataSet study : index.find(Level.STUDY, archive.identifier(Level.STUDY),
                        MatchOptions.DEFAULT))
                    {
                        final int instances = Integer.parseInt(study.string(Tag.NUMBER_OF_STUDY_RELATED_INSTANCES));
                        assertTrue(instances > 0, study::toString);
                    }
                    index.find(Level.IMAGE, archive.identifier(Level.IMAGE), MatchOptions.DEFAULT);
                }
                catch (final Throwable t)
                {
                    failures.add(t);
                    return;
                }
            }
        });
        reader.start();
        writers.forEach(Thread::start);
        for (final Thread writer : writers)
        {
            writer.join();
        }
        done.set(true);
        reader.join();
        assertEquals(List.of(), failures);
        final Oracle oracle = new Oracle();
        for (final DataSet image : index.entities(Level.IMAGE))
        {
            oracle.add(last.get(image.string(Tag.SOP_INSTANCE_UID)));
        }
        assertEquals(last.size(), index.size());
        for (final Level level : Level.values())
        {
            assertEquals(oracle.entities(level), index.entities(level), level::name);
        }
    }

    private static DataSet instance(final String patientId, final String study, final String series,
        final String sop, final String modality)
    {
        return new DataSet()
            .putString(Tag.PATIENT_ID, patientId)
            .putString(Tag.PATIENT_NAME, "DOE^" + patientId)
            .putString(Tag.STUDY_INSTANCE_UID, study)
            .putString(Tag.SERIES_INSTANCE_UID, series)
            .putString(Tag.SOP_INSTANCE_UID, sop)
            .putString(Tag.MODALITY, modality);
    }
}
