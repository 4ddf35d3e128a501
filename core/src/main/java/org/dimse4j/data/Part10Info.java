package org.dimse4j.data;

/**
 * What {@link Part10Reader#read(java.nio.file.Path)} found in the head of a DICOM Part 10 file: its File Meta
 * Information (PS3.10 §7.1) and where the data set lies, so that the data set can be sent without being parsed.
 * String components are null when the element is absent, and have their padding removed.
 *
 * @param mediaStorageSopClassUid       Media Storage SOP Class UID (0002,0002).
 * @param mediaStorageSopInstanceUid    Media Storage SOP Instance UID (0002,0003).
 * @param transferSyntaxUid             Transfer Syntax UID (0002,0010); never null.
 * @param implementationClassUid        Implementation Class UID (0002,0012).
 * @param implementationVersionName     Implementation Version Name (0002,0013).
 * @param sourceApplicationEntityTitle  Source Application Entity Title (0002,0016).
 * @param hasPreamble                   false for a file that starts directly with the (0002,xxxx) group.
 * @param dataSetOffset                 where the data set starts, from the start of the file.
 * @param fileLength                    the length of the whole file.
 */
public record Part10Info(
    String mediaStorageSopClassUid,
    String mediaStorageSopInstanceUid,
    String transferSyntaxUid,
    String implementationClassUid,
    String implementationVersionName,
    String sourceApplicationEntityTitle,
    boolean hasPreamble,
    int dataSetOffset,
    long fileLength)
{
    /**
     * @return the length of the data set: the file length minus {@link #dataSetOffset()}.
     */
    public long dataSetLength()
    {
        return fileLength - dataSetOffset;
    }

    /**
     * @return the data set encoding for {@link DataSetReader#wrap}, from {@link DataSetReader#encodingOf}.
     */
    public int encoding()
    {
        return DataSetReader.encodingOf(transferSyntaxUid);
    }
}
