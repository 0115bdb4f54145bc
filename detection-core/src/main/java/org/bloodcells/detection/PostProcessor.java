package org.bloodcells.detection;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * From one image's model outputs to its detections, as {@code models/CONTRACT.md} and the trainer's
 * {@code postprocess.py} do it: (anchor, class) pairs scoring above the threshold; of those the
 * {@value #PRE_NMS_TOP_K} best; their boxes decoded, mapped to original pixels and clipped; NMS per class (greedy,
 * or Gaussian soft-NMS when {@link DetectorSettings#softNmsSigma()} is set, whose decayed scores are the detections'
 * scores); the best {@code maxDetections} overall, highest score first.
 *
 * <p>With test-time flips the image has one block of outputs per view; every view's boxes are flipped back and
 * pooled before ranking ({@value #PRE_NMS_TOP_K} per view), and one NMS runs over the pool. With box voting each
 * kept box is then replaced by the score-weighted mean of the pooled candidates of its class that overlap it by at
 * least {@link DetectorSettings#boxVotingIou()}; its score stays.
 *
 * <p>One deliberate difference: a box that has no area after clipping (it lies wholly on the letterbox padding) is
 * dropped, since it is no cell; it could not suppress any other box either.
 */
final class PostProcessor {

    static final int PRE_NMS_TOP_K = 5000;

    private final AnchorGrid anchors;
    private final BoxDecoder decoder;
    private final List<String> classes;
    private final DetectorSettings settings;

    PostProcessor(AnchorGrid anchors, List<String> classes, DetectorSettings settings) {
        this.anchors = anchors;
        this.decoder = new BoxDecoder(anchors);
        this.classes = List.copyOf(classes);
        this.settings = settings;
    }

    /**
     * @param scores     the {@code scores} output, {@code [N, A, C]} flattened: one block per image and view
     * @param regression the {@code boxes} output, {@code [N, A, 4]} flattened
     * @param firstBlock the output block of the image's first view; view {@code v} is block {@code firstBlock + v}
     * @param views      the view each of those blocks was computed on
     */
    List<Detection> detections(float[] scores, float[] regression, int firstBlock, List<Flip> views,
            Letterbox letterbox) {
        List<Candidates> blocks = new ArrayList<>(views.size());
        for (int v = 0; v < views.size(); v++) {
            blocks.add(candidates(FloatBuffer.wrap(scores), FloatBuffer.wrap(regression), firstBlock + v,
                    views.size()));
        }
        return detections(blocks, views, letterbox);
    }

    /** One output block's candidates, as many as {@link #detections(List, List, Letterbox)} may use of it. */
    Candidates candidates(FloatBuffer scores, FloatBuffer regression, int block, int views) {
        return Candidates.of(scores, regression, block, anchors.size(), classes.size(),
                (float) settings.scoreThreshold(), PRE_NMS_TOP_K * views);
    }

    /**
     * @param blocks the candidates of each view's output block, in the order of {@code views}
     * @param views  the view each block was computed on
     */
    List<Detection> detections(List<Candidates> blocks, List<Flip> views, Letterbox letterbox) {
        int classCount = classes.size();
        int candidates = 0;
        for (Candidates block : blocks) {
            candidates += block.size();
        }
        int kept = Math.min(candidates, PRE_NMS_TOP_K * views.size());
        // Per class, in descending score order: boxes (4 floats each) and scores.
        float[][] boxes = new float[classCount][kept * 4];
        float[][] boxScores = new float[classCount][kept];
        int[] valid = new int[classCount];
        float[] box = new float[4];
        // The views' candidates merged best first: score descending, then view, anchor and class ascending.
        int[] next = new int[blocks.size()];
        for (int r = 0; r < kept; r++) {
            int v = -1;
            for (int u = 0; u < blocks.size(); u++) {
                if (next[u] < blocks.get(u).size() && (v < 0
                        || blocks.get(u).score(next[u]) > blocks.get(v).score(next[v]))) {
                    v = u;
                }
            }
            Candidates block = blocks.get(v);
            int k = next[v]++;
            int pair = block.pair(k);
            int anchor = pair / classCount;
            int c = pair % classCount;
            if (decoder.decodeAt(block.regression(), k * 4, anchor, letterbox, views.get(v), box)) {
                System.arraycopy(box, 0, boxes[c], valid[c] * 4, 4);
                boxScores[c][valid[c]++] = block.score(k);
            }
        }
        List<Detection> all = new ArrayList<>();
        for (int c = 0; c < classCount; c++) {
            String cellClass = classes.get(c);
            float[] b = boxes[c];
            NonMaxSuppression.Kept selection = settings.softNmsSigma() > 0
                    ? NonMaxSuppression.soft(b, boxScores[c], valid[c], settings.softNmsSigma(),
                            settings.scoreThreshold(), settings.maxDetections())
                    : NonMaxSuppression.greedy(b, boxScores[c], valid[c], settings.nmsIouThreshold(),
                            settings.maxDetections());
            for (int j = 0; j < selection.indices().length; j++) {
                int k = selection.indices()[j];
                float[] out = settings.boxVotingIou() > 0
                        ? vote(b, boxScores[c], valid[c], k, settings.boxVotingIou())
                        : new float[] {b[k * 4], b[k * 4 + 1], b[k * 4 + 2], b[k * 4 + 3]};
                all.add(new Detection(cellClass, selection.scores()[j], out[0], out[1], out[2], out[3]));
            }
        }
        all.sort(Comparator.comparing(Detection::score).reversed());
        return List.copyOf(all.subList(0, Math.min(all.size(), settings.maxDetections())));
    }

    /** Score-weighted mean of the candidates whose IoU with box {@code k} is at least {@code iou} (k included). */
    static float[] vote(float[] boxes, float[] scores, int count, int k, double iou) {
        double[] sum = new double[4];
        double weight = 0;
        for (int i = 0; i < count; i++) {
            if (i == k || NonMaxSuppression.iou(boxes, k, i) >= iou) {
                for (int j = 0; j < 4; j++) {
                    sum[j] += scores[i] * (double) boxes[i * 4 + j];
                }
                weight += scores[i];
            }
        }
        return new float[] {(float) (sum[0] / weight), (float) (sum[1] / weight), (float) (sum[2] / weight),
                (float) (sum[3] / weight)};
    }

    /** Detections per class in the model's class order, zeros included. */
    Map<String, Integer> counts(List<Detection> detections) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        classes.forEach(c -> counts.put(c, 0));
        detections.forEach(d -> counts.merge(d.cellClass(), 1, Integer::sum));
        return counts;
    }
}
