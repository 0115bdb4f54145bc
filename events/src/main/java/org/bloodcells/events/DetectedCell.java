package org.bloodcells.events;

/**
 * One cell found on an image: class, score and box corners in original image pixels.
 */
public record DetectedCell(String cellClass, double score, double x1, double y1, double x2, double y2) {
}
