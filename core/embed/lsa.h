#pragma once

#include "base/embeddingset.h"
#include "base/jobcontext.h"
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
/// When `queryTerms` is given it receives each term's fold-in row idf·V (kind Word, method
/// "lsa-terms"): summing the rows of a text's tokens (repeats included) gives, up to scale and
/// sublinear tf, the fold-in x·V that places new text in the document space, so typed text can
/// be searched among the documents (textQuery uses it through the set's param "query_terms").
EmbeddingSet lsaCorpus(const Corpus &corpus, const std::vector<QString> &words, const LsaOptions &options,
                       JobContext &job, EmbeddingSet *wordVectors = nullptr, EmbeddingSet *queryTerms = nullptr);

/// lsaCorpus over the documents of a dataset (stop words looked up by the word items' keys).
EmbeddingSet lsaDocuments(Project &project, qint64 datasetId, const LsaOptions &options, JobContext &job,
                          EmbeddingSet *wordVectors = nullptr, EmbeddingSet *queryTerms = nullptr);

/// Stores an LSA document set together with its fold-in term rows as "<name>/terms", and
/// names them in the document set's params ("query_terms"), so typed text can be searched.
void saveLsaSets(Project &project, EmbeddingSet &documents, EmbeddingSet &queryTerms, bool replace);

} // namespace orrery
