/**
 * Versions a split keeps apart at most (per worker); further ones count together as OTHER_VERSION,
 * so memory stays bounded whatever the server puts in the split field or header (an id unique per
 * response would otherwise add histograms at the message rate).
 */
export const MAX_SPLIT_VERSIONS = 16;
export const OTHER_VERSION = '(other)';
