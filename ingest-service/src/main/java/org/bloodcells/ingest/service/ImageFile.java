package org.bloodcells.ingest.service;

/** One file as the client sent it, not yet inspected. */
public record ImageFile(String fileName, byte[] bytes) {
}
