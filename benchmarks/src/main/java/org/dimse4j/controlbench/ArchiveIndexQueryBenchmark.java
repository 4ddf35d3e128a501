package org.dimse4j.controlbench;

import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.benchmarks.BenchmarkFlags;
import org.dimse4j.data.DataSet;
import org.dimse4j.data.Tag;
import org.dimse4j.query.MatchOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * C-FIND and C-GET/C-MOVE lookups in an {@link ArchiveIndex} of {@code instances} instances (10 per study, 3 series
 * per study, 5 studies per patient): a study-level find by Study Instance UID (with the return keys FindService
 * asks for), a study-level find by a Patient's Name wild card (about 1 study in 50 matches), and the IMAGE-level
 * lookup of a retrieve by Study Instance UID. Control plane: allocates (the results), so not in the allocation gate.
 * <pre>
 *  java -jar benchmarks/target/benchmarks.jar ArchiveIndexQueryBenchmark
 * </pre>
 */
@Fork(value = 1, jvmArgsAppend = { BenchmarkFlags.AGRONA_ADD_OPENS, "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ArchiveIndexQueryBenchmark
{
    private static final int INSTANCES_PER_STUDY = 10;
    private static final int SERIES_PER_STUDY = 3;
    private static final int STUDIES_PER_PATIENT = 5;

    /** Indexed instances. */
    @Param({"100000"})
    public int instances;

    private ArchiveIndex index;
    private DataSet[] byStudyUid;
    private DataSet[] retrieveByStudyUid;
    private DataSet byPatientName;
    private int next;

    /** Indexes the synthetic archive and prepares identifiers for studies spread over it. */
    @Setup(Level.Trial)
    public void index()
    {
        index = new ArchiveIndex();
        final int studies = instances / INSTANCES_PER_STUDY;
        for (int i = 0; i < instances; i++)
        {
            // interleaved, as stores from several modalities arrive
            final int study = i % studies;
            final int patient = study / STUDIES_PER_PATIENT;
            final int series = (i / studies) % SERIES_PER_STUDY;
            index.add(new DataSet()
                .putString(Tag.SPECIFIC_CHARACTER_SET, "ISO_IR 100")
                .putString(Tag.SOP_CLASS_UID, "1.2.840.10008.5.1.4.1.1.2")
                .putString(Tag.SOP_INSTANCE_UID, "1.2.826.0.1.3680043.10.543.3." + i)
                .putString(Tag.PATIENT_NAME, (patient % 50 == 0 ? "DOE^" : "ROE^") + patient)
                .putString(Tag.PATIENT_ID, "PID" + patient)
                .putString(Tag.STUDY_INSTANCE_UID, studyUid(study))
                .putString(Tag.STUDY_DATE, "2024" + String.format("%02d%02d", 1 + study % 12, 1 + study % 28))
                .putString(Tag.ACCESSION_NUMBER, "A" + study)
                .putString(Tag.SERIES_INSTANCE_UID, studyUid(study) + "." + series)
                .putString(Tag.MODALITY, series == 2 ? "SR" : "CT")
                .putString(Tag.INSTANCE_NUMBER, Integer.toString(i / studies)), null);
        }
        byStudyUid = new DataSet[64];
        retrieveByStudyUid = new DataSet[64];
        for (int k = 0; k < byStudyUid.length; k++)
        {
            final String uid = studyUid((int)((long)k * studies / byStudyUid.length));
            byStudyUid[k] = studyKeys().putString(Tag.STUDY_INSTANCE_UID, uid);
            retrieveByStudyUid[k] = new DataSet().putString(Tag.STUDY_INSTANCE_UID, uid);
        }
        byPatientName = studyKeys().putString(Tag.STUDY_INSTANCE_UID, "").putString(Tag.PATIENT_NAME, "DOE^*");
        final int found = index.find(ArchiveIndex.Level.STUDY, byPatientName, MatchOptions.DEFAULT).size();
        if (index.size() != instances || found != studies / 50 ||
            index.find(ArchiveIndex.Level.IMAGE, retrieveByStudyUid[1], MatchOptions.DEFAULT).size() !=
            INSTANCES_PER_STUDY)
        {
            throw new IllegalStateException("unexpected archive: " + index.size() + " instances, " + found);
        }
    }

    private static String studyUid(final int study)
    {
        return "1.2.826.0.1.3680043.10.543.1." + study;
    }

    /** The return keys of a typical study-level C-FIND. */
    private static DataSet studyKeys()
    {
        return new DataSet()
            .putString(Tag.QUERY_RETRIEVE_LEVEL, "STUDY")
            .putString(Tag.PATIENT_NAME, "")
            .putString(Tag.PATIENT_ID, "")
            .putString(Tag.STUDY_DATE, "")
            .putString(Tag.ACCESSION_NUMBER, "")
            .putString(Tag.MODALITIES_IN_STUDY, "")
            .putString(Tag.NUMBER_OF_STUDY_RELATED_INSTANCES, "");
    }

    /** @return the one study, by Study Instance UID. */
    @Benchmark
    public List<DataSet> studyByStudyUid()
    {
        return index.find(ArchiveIndex.Level.STUDY, byStudyUid[next++ & 63], MatchOptions.DEFAULT);
    }

    /** @return the studies of the patients named DOE^*. */
    @Benchmark
    public List<DataSet> studiesByPatientNameWildcard()
    {
        return index.find(ArchiveIndex.Level.STUDY, byPatientName, MatchOptions.DEFAULT);
    }

    /** @return the instances of one study, as a C-GET or C-MOVE at STUDY level looks them up. */
    @Benchmark
    public List<DataSet> retrieveInstancesByStudyUid()
    {
        return index.find(ArchiveIndex.Level.IMAGE, retrieveByStudyUid[next++ & 63], MatchOptions.DEFAULT);
    }
}
