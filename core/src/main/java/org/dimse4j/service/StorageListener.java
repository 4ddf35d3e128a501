package org.dimse4j.service;

/**
 * Told of each instance once it is durable, before the C-STORE-RSP goes out. Called on an I/O thread: return
 * quickly (hand work to a queue of your own).
 */
@FunctionalInterface
public interface StorageListener
{
    /**
     * @param instance what was stored.
     */
    void onStored(StoredInstance instance);
}
