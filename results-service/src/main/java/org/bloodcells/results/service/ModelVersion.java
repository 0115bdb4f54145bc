package org.bloodcells.results.service;

/** A model name and version; every stored count names the one that produced it. */
public record ModelVersion(String name, String version) {
}
