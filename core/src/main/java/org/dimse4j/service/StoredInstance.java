package org.dimse4j.service;

import java.nio.file.Path;

/**
 * An instance the Storage SCP has made durable, as reported to a {@link StorageListener}.
 *
 * @param path              where it lies (a Part 10 file), or null for stores that are not files.
 * @param sopClassUid       SOP Class UID.
 * @param sopInstanceUid    SOP Instance UID.
 * @param transferSyntaxUid transfer syntax of the stored data set.
 * @param callingAeTitle    the storage SCU's AE title.
 * @param dataSetLength     bytes of the data set as received.
 */
public record StoredInstance(Path path, String sopClassUid, String sopInstanceUid, String transferSyntaxUid,
    String callingAeTitle, long dataSetLength)
{
}
