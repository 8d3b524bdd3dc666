#pragma once

#include "embed/embeddingset.h"
#include "jobs/jobcontext.h"
#include "store/corpus.h"

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <vector>

namespace orrery {
class Project;

struct LsaOptions {
    int dim = 100; ///< at most min(documents, terms)
    quint64 seed = 1;
    int minDocumentFrequency = 2; ///< terms in fewer documents are dropped
    bool stopWords = true; ///< drop Tokenizer::isStopWord words
    int powerIterations = 4; ///< subspace iterations of the randomized SVD
    int oversample = 10; ///< extra random directions of the randomized SVD
};

/// A rank-k factorisation A ≈ U·diag(s)·Vᵀ, singular values in decreasing order.
struct TruncatedSvd {
    Eigen::MatrixXf u; ///< rows(A) × k
    Eigen::VectorXf s; ///< k
    Eigen::MatrixXf v; ///< cols(A) × k
};

using SparseRowMatrix = Eigen::SparseMatrix<float, Eigen::RowMajor, qint64>;

/// Randomized truncated SVD (Halko, Martinsson & Tropp 2011, algorithms 4.3 and 5.1): a seeded
/// Gaussian sketch of k + oversample columns and `powerIterations` subspace iterations, on the
/// shorter side of A and orthonormalised after each, then the exact SVD of the small projected
/// matrix. Each singular pair's sign makes the largest entry of v positive, so a seed gives one
/// answer.
TruncatedSvd randomizedSvd(const SparseRowMatrix &a, int k, int oversample, int powerIterations, quint64 seed,
                           JobContext &job);

/// Latent semantic analysis of word sequences: TF-IDF with sublinear tf (1 + ln tf), smooth idf
/// (ln((1 + N) / (1 + df)) + 1) and unit rows, then a randomized truncated SVD. Returns one
/// L2-normalised row per sequence (U·Σ; ids = corpus.sequenceIds, kind Document, method "lsa").
/// `words` holds each vocabulary entry's text (for stop words; may be empty when they are kept).
/// When `wordVectors` is given it receives the term vectors V·Σ (kind Word, unnormalised).
EmbeddingSet lsaCorpus(const Corpus &corpus, const std::vector<QString> &words, const LsaOptions &options,
                       JobContext &job, EmbeddingSet *wordVectors = nullptr);

/// lsaCorpus over the documents of a dataset (stop words looked up by the word items' keys).
EmbeddingSet lsaDocuments(Project &project, qint64 datasetId, const LsaOptions &options, JobContext &job,
                          EmbeddingSet *wordVectors = nullptr);

} // namespace orrery
