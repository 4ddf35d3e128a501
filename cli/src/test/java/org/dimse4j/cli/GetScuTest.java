package org.dimse4j.cli;

import org.dimse4j.data.StorageSopClasses;
import org.dimse4j.data.Uid;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class GetScuTest
{
    @Test
    void shouldProposeAtMost126DistinctStorageClassesCommonOnesFirst()
    {
        final List<String> classes = GetScu.storageClasses();
        assertEquals(GetScu.MAX_STORAGE_CONTEXTS, classes.size());
        assertEquals(classes.size(), new HashSet<>(classes).size());
        assertEquals(Uid.CT_IMAGE_STORAGE, classes.get(0));
        assertTrue(classes.contains(Uid.MR_IMAGE_STORAGE));
        assertTrue(StorageSopClasses.ALL.containsAll(classes));
    }
}
