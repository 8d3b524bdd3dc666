#include "mbat.h"

#include "base/random.h"
#include "base/tokenizer.h"
#include "embed/pooling.h"
#include "store/items.h"

#include <QElapsedTimer>
#include <QJsonArray>

#include <Eigen/Dense>

#include <simdjson.h>

#include <cmath>
#include <deque>
#include <numeric>
#include <string>
#include <unordered_map>

namespace orrery {

quint64 fnv1a64(std::string_view bytes, quint64 hash)
{
    for (const char c : bytes) {
        hash ^= quint64(static_cast<unsigned char>(c));
        hash *= 0x100000001b3ull;
    }
    return hash;
}

namespace {

namespace dom = simdjson::dom;

// Atom caches beyond this many vectors are dropped and rebuilt: a million distinct tokens
// must not hold a million vectors.
constexpr size_t MaxCachedAtoms = 1 << 16;

bool hasPrefix(std::string_view path, std::string_view prefix)
{
    return path.size() >= prefix.size() && path.substr(0, prefix.size()) == prefix
        && (path.size() == prefix.size() || path[prefix.size()] == '.');
}

struct Range {
    double min = 0;
    double max = 0;
};

/// Signed permutation S: (S y)ᵢ = signᵢ · y[permᵢ].
struct SignedPermutation {
    std::vector<qint32> perm;
    std::vector<float> sign;
};

} // namespace

class MbatEncoder::Impl final {
public:
    explicit Impl(const MbatOptions &options) : m_options(options), m_dim(options.dim)
    {
        if (m_dim < 2 || m_dim > 4096)
            throw Error(QStringLiteral("mbat: dimension %1 is out of range (2 to 4096)").arg(m_dim));
        if (m_options.levels < 2 || m_options.levels > m_dim)
            throw Error(QStringLiteral("mbat: the number of levels must be from 2 to the dimension %1 (got %2)")
                            .arg(m_dim)
                            .arg(m_options.levels));
        for (const QString &f : options.fields)
            m_include.push_back(f.toStdString());
        for (const QString &f : options.excludeFields)
            m_exclude.push_back(f.toStdString());
        m_base = randomOrthogonal(m_dim, seedFor("base", {}));
        m_buffer.reserve(4096);
    }

    void observe(std::string_view json)
    {
        std::string path;
        observeValue(parse(json), path);
    }

    Eigen::VectorXf encode(std::string_view json)
    {
        std::string path;
        Eigen::VectorXf out = Eigen::VectorXf::Zero(m_dim);
        if (!encodeValue(parse(json), path, 0, out))
            out.setZero();
        return out;
    }

    Eigen::MatrixXf keyMatrix(const std::string &path)
    {
        // B·S where S has signᵢ at (i, permᵢ): column permᵢ of the product is signᵢ times column i of B.
        const SignedPermutation &s = binding(path);
        Eigen::MatrixXf q(m_dim, m_dim);
        for (int i = 0; i < m_dim; ++i)
            q.col(s.perm[size_t(i)]) = s.sign[size_t(i)] * m_base.col(i);
        return q;
    }

    const Eigen::MatrixXf &arrayMatrix()
    {
        if (m_array.size() == 0)
            m_array = randomOrthogonal(m_dim, seedFor("array", {}));
        return m_array;
    }

    qint64 keyPaths() const { return qint64(m_bindings.size()); }
    qint64 numericPaths() const { return qint64(m_ranges.size()); }

private:
    /// Per-depth scratch vectors, so the recursion allocates only while it first goes deeper.
    struct Frame {
        Eigen::VectorXf sum;
        Eigen::VectorXf child;
        std::vector<Eigen::VectorXf> elements;
    };

    enum class Keep { No, Yes, Below };

    quint64 seedFor(std::string_view kind, std::string_view text) const
    {
        char seed[8];
        for (int i = 0; i < 8; ++i)
            seed[i] = char((m_options.seed >> (8 * i)) & 0xff);
        quint64 h = fnv1a64(std::string_view(seed, 8));
        h = fnv1a64(kind, h);
        h = fnv1a64(std::string_view("\0", 1), h);
        return fnv1a64(text, h);
    }

    dom::element parse(std::string_view json)
    {
        m_buffer.assign(json);
        m_buffer.append(simdjson::SIMDJSON_PADDING, ' ');
        dom::element root;
        if (const auto e = m_parser.parse(m_buffer.data(), json.size(), false).get(root))
            throw Error(QStringLiteral("mbat: invalid JSON record: %1").arg(QLatin1String(simdjson::error_message(e))));
        return root;
    }

    Keep keep(std::string_view path) const
    {
        for (const std::string &ex : m_exclude)
            if (hasPrefix(path, ex))
                return Keep::No;
        if (m_include.empty())
            return Keep::Yes;
        for (const std::string &in : m_include)
            if (hasPrefix(path, in))
                return Keep::Yes;
        for (const std::string &in : m_include)
            if (hasPrefix(in, path))
                return Keep::Below;
        return Keep::No;
    }

    static bool isContainer(dom::element v)
    {
        const auto type = v.type();
        return type == dom::element_type::OBJECT || type == dom::element_type::ARRAY;
    }

    static double number(dom::element v)
    {
        int64_t i = 0;
        uint64_t u = 0;
        double d = 0;
        if (v.get_int64().get(i) == simdjson::SUCCESS)
            return double(i);
        if (v.get_uint64().get(u) == simdjson::SUCCESS)
            return double(u);
        return v.get_double().get(d) == simdjson::SUCCESS ? d : std::nan("");
    }

    static dom::object asObject(dom::element v)
    {
        return v.get_object().value_unsafe(); // callers checked the type
    }

    static dom::array asArray(dom::element v) { return v.get_array().value_unsafe(); }

    static bool isNumber(dom::element v)
    {
        const auto type = v.type();
        return type == dom::element_type::INT64 || type == dom::element_type::UINT64
            || type == dom::element_type::DOUBLE;
    }

    /// Whether a value at `path` counts: selected itself, or a container holding selected paths.
    bool selected(const std::string &path, dom::element v) const
    {
        const Keep k = keep(path);
        return k == Keep::Yes || (k == Keep::Below && isContainer(v));
    }

    static void appendElementPath(std::string &path) { path += path.empty() ? "*" : ".*"; }

    void observeValue(dom::element v, std::string &path)
    {
        const size_t length = path.size();
        if (v.type() == dom::element_type::OBJECT) {
            for (const auto member : asObject(v)) {
                if (!path.empty())
                    path += '.';
                path.append(member.key);
                if (selected(path, member.value))
                    observeValue(member.value, path);
                path.resize(length);
            }
        } else if (v.type() == dom::element_type::ARRAY) {
            appendElementPath(path);
            for (const dom::element element : asArray(v))
                if (selected(path, element))
                    observeValue(element, path);
            path.resize(length);
        } else if (isNumber(v)) {
            const double x = number(v);
            if (!std::isfinite(x))
                return;
            auto [it, inserted] = m_ranges.try_emplace(path, Range {x, x});
            if (!inserted) {
                it->second.min = std::min(it->second.min, x);
                it->second.max = std::max(it->second.max, x);
            }
        }
    }

    Frame &frame(int depth)
    {
        while (int(m_frames.size()) <= depth) {
            m_frames.emplace_back();
            m_frames.back().sum.resize(m_dim);
            m_frames.back().child.resize(m_dim);
        }
        return m_frames[size_t(depth)];
    }

    static bool normalize(Eigen::VectorXf &v)
    {
        const float n = v.norm();
        if (!(n > 0))
            return false;
        v /= n;
        return true;
    }

    /// Writes the unit vector of `v` to `out`; false when it has nothing to encode.
    bool encodeValue(dom::element v, std::string &path, int depth, Eigen::VectorXf &out)
    {
        switch (v.type()) {
        case dom::element_type::OBJECT: return encodeObject(asObject(v), path, depth, out);
        case dom::element_type::ARRAY: return encodeArray(asArray(v), path, depth, out);
        case dom::element_type::STRING: {
            return encodeString(v.get_string().value_unsafe(), out);
        }
        case dom::element_type::INT64:
        case dom::element_type::UINT64:
        case dom::element_type::DOUBLE: return encodeNumber(number(v), path, out);
        case dom::element_type::BOOL: {
            out = atom(v.get_bool().value_unsafe() ? std::string("b:true") : std::string("b:false"));
            return true;
        }
        case dom::element_type::NULL_VALUE: out = atom(std::string("null")); return true;
        }
        return false;
    }

    bool encodeObject(dom::object object, std::string &path, int depth, Eigen::VectorXf &out)
    {
        Frame &f = frame(depth);
        f.sum.setZero();
        bool any = false;
        const size_t length = path.size();
        for (const auto member : object) {
            if (!path.empty())
                path += '.';
            path.append(member.key);
            if (selected(path, member.value) && encodeValue(member.value, path, depth + 1, f.child)) {
                // Σ B·Sₖ·vₖ = B·Σ Sₖ·vₖ: the dense product once per object, not once per member.
                const SignedPermutation &s = binding(path);
                for (int i = 0; i < m_dim; ++i)
                    f.sum[i] += s.sign[size_t(i)] * f.child[s.perm[size_t(i)]];
                any = true;
            }
            path.resize(length);
        }
        if (!any)
            return false;
        out.noalias() = m_base * f.sum;
        return normalize(out);
    }

    bool encodeArray(dom::array array, std::string &path, int depth, Eigen::VectorXf &out)
    {
        Frame &f = frame(depth);
        const size_t length = path.size();
        appendElementPath(path);
        bool any = false;
        if (!m_options.orderAwareArrays) {
            f.sum.setZero();
            for (const dom::element element : array) {
                if (selected(path, element) && encodeValue(element, path, depth + 1, f.child)) {
                    f.sum += f.child;
                    any = true;
                }
            }
            out = f.sum;
        } else {
            // Σᵢ Pⁱ xᵢ needs the elements from the end (Horner), and simdjson walks forward.
            size_t count = 0;
            for (const dom::element element : array) {
                if (f.elements.size() <= count)
                    f.elements.emplace_back(m_dim);
                if (selected(path, element) && encodeValue(element, path, depth + 1, f.elements[count]))
                    any = true;
                else
                    f.elements[count].setZero();
                ++count;
            }
            const Eigen::MatrixXf &p = arrayMatrix();
            f.sum.setZero();
            for (size_t i = count; i-- > 0;) {
                f.child.noalias() = p * f.sum;
                f.sum = f.child + f.elements[i];
            }
            out = f.sum;
        }
        path.resize(length);
        return any && normalize(out);
    }

    bool encodeString(std::string_view text, Eigen::VectorXf &out)
    {
        out.setZero();
        bool any = false;
        io::Tokenizer::tokenize(QString::fromUtf8(text.data(), qsizetype(text.size())), [&](const QString &token) {
            out += atom("s:" + token.toStdString());
            any = true;
        });
        if (!any) // "", "+", an emoji flag: the string itself is the one atom
            out = atom("r:" + std::string(text));
        return normalize(out);
    }

    bool encodeNumber(double x, const std::string &path, Eigen::VectorXf &out)
    {
        if (!std::isfinite(x))
            return false;
        double t = 0;
        if (const auto it = m_ranges.find(path); it != m_ranges.end()) {
            const Range r = it->second;
            if (r.min > 0 && r.max >= 1000 * r.min)
                t = (std::log(std::max(x, r.min)) - std::log(r.min)) / (std::log(r.max) - std::log(r.min));
            else if (r.max > r.min)
                t = (x - r.min) / (r.max - r.min);
        }
        t = std::clamp(t, 0.0, 1.0);
        const Eigen::MatrixXf &levels = numberLevels(path);
        const double position = t * double(m_options.levels - 1);
        const int low = std::min(int(position), m_options.levels - 2);
        const float f = float(position - low);
        out = (1.0f - f) * levels.col(low) + f * levels.col(low + 1);
        return normalize(out);
    }

    /// Orthonormal levels (Householder QR of a seeded Gaussian): interpolating between the two
    /// nearest makes similarity fall linearly from 1 to 0 over one level spacing. Wider kernels
    /// (overlapping or arc-shaped levels) measured worse on the countries set.
    const Eigen::MatrixXf &numberLevels(const std::string &path)
    {
        if (const auto it = m_levels.find(path); it != m_levels.end())
            return it->second;
        Random random(seedFor("levels", path));
        Eigen::MatrixXd gaussian(m_dim, m_options.levels);
        for (Eigen::Index c = 0; c < gaussian.cols(); ++c)
            for (Eigen::Index r = 0; r < gaussian.rows(); ++r)
                gaussian(r, c) = random.normal();
        const Eigen::HouseholderQR<Eigen::MatrixXd> qr(gaussian);
        const Eigen::MatrixXd levels = qr.householderQ() * Eigen::MatrixXd::Identity(m_dim, m_options.levels);
        return m_levels.emplace(path, levels.cast<float>()).first->second;
    }

    const Eigen::VectorXf &atom(const std::string &key)
    {
        if (const auto it = m_atoms.find(key); it != m_atoms.end())
            return it->second;
        if (m_atoms.size() >= MaxCachedAtoms)
            m_atoms.clear();
        Random random(seedFor("atom", key));
        Eigen::VectorXf v(m_dim);
        for (int i = 0; i < m_dim; ++i)
            v[i] = float(random.normal());
        v.normalize();
        return m_atoms.emplace(key, std::move(v)).first->second;
    }

    const SignedPermutation &binding(const std::string &path)
    {
        if (const auto it = m_bindings.find(path); it != m_bindings.end())
            return it->second;
        Random random(seedFor("key", path));
        SignedPermutation s;
        s.perm.resize(size_t(m_dim));
        std::iota(s.perm.begin(), s.perm.end(), 0);
        for (size_t i = s.perm.size() - 1; i > 0; --i)
            std::swap(s.perm[i], s.perm[size_t(random.below(i + 1))]);
        s.sign.resize(size_t(m_dim));
        for (float &sign : s.sign)
            sign = (random.next() >> 63) ? -1.0f : 1.0f;
        return m_bindings.emplace(path, std::move(s)).first->second;
    }

    MbatOptions m_options;
    int m_dim;
    std::vector<std::string> m_include;
    std::vector<std::string> m_exclude;
    Eigen::MatrixXf m_base;
    Eigen::MatrixXf m_array;
    dom::parser m_parser;
    std::string m_buffer;
    std::deque<Frame> m_frames;
    std::unordered_map<std::string, Range> m_ranges;
    std::unordered_map<std::string, Eigen::MatrixXf> m_levels;
    std::unordered_map<std::string, Eigen::VectorXf> m_atoms;
    std::unordered_map<std::string, SignedPermutation> m_bindings;
};

MbatEncoder::MbatEncoder(const MbatOptions &options) : m_impl(std::make_unique<Impl>(options)) { }
MbatEncoder::~MbatEncoder() = default;

void MbatEncoder::observe(std::string_view json)
{
    m_impl->observe(json);
}

Eigen::VectorXf MbatEncoder::encode(std::string_view json)
{
    return m_impl->encode(json);
}

Eigen::MatrixXf MbatEncoder::keyMatrix(const QString &path)
{
    return m_impl->keyMatrix(path.toStdString());
}

Eigen::MatrixXf MbatEncoder::arrayMatrix()
{
    return m_impl->arrayMatrix();
}

qint64 MbatEncoder::keyPaths() const
{
    return m_impl->keyPaths();
}

qint64 MbatEncoder::numericPaths() const
{
    return m_impl->numericPaths();
}

EmbeddingSet mbatRecords(Project &project, qint64 datasetId, const MbatOptions &options, JobContext &job)
{
    QElapsedTimer clock;
    clock.start();
    job.checkCancelled();
    MbatEncoder encoder(options);
    const qint64 total = memberCount(project, datasetId, ItemKind::Record);
    const auto where = [](qint64 id, const Error &e) {
        return Error(QStringLiteral("record item %1: %2").arg(id).arg(e.message()));
    };
    qint64 done = 0;
    forEachMemberAttrs(project, datasetId, ItemKind::Record, [&](qint64 id, std::optional<std::string_view> attrs) {
        if (attrs) {
            try {
                encoder.observe(*attrs);
            } catch (const Error &e) {
                throw where(id, e);
            }
        }
        if ((++done & 255) == 0) {
            job.checkCancelled();
            job.progress(done, 2 * total, QStringLiteral("numeric ranges"));
        }
    });
    EmbeddingSet out;
    out.datasetId = datasetId;
    out.kind = ItemKind::Record;
    out.method = QStringLiteral("mbat");
    out.dim = options.dim;
    out.ids.reserve(size_t(total));
    out.vectors.reserve(size_t(total) * size_t(options.dim));
    qint64 empty = 0;
    forEachMemberAttrs(project, datasetId, ItemKind::Record, [&](qint64 id, std::optional<std::string_view> attrs) {
        out.ids.push_back(id);
        Eigen::VectorXf v = Eigen::VectorXf::Zero(options.dim);
        if (attrs) {
            try {
                v = encoder.encode(*attrs);
            } catch (const Error &e) {
                throw where(id, e);
            }
        }
        if (v.isZero(0))
            ++empty;
        out.vectors.insert(out.vectors.end(), v.data(), v.data() + v.size());
        if ((++done & 255) == 0) {
            job.checkCancelled();
            job.progress(done, 2 * total, QStringLiteral("encoding records"));
        }
    });
    const auto list = [](const QStringList &l) { return QJsonArray::fromStringList(l); };
    out.params = QJsonObject {{QStringLiteral("dim"), options.dim},
                              {QStringLiteral("seed"), QString::number(options.seed)},
                              {QStringLiteral("fields"), list(options.fields)},
                              {QStringLiteral("exclude_fields"), list(options.excludeFields)},
                              {QStringLiteral("order_aware_arrays"), options.orderAwareArrays},
                              {QStringLiteral("levels"), options.levels}};
    out.stats = QJsonObject {{QStringLiteral("records"), out.count()},
                             {QStringLiteral("empty_records"), empty},
                             {QStringLiteral("key_paths"), encoder.keyPaths()},
                             {QStringLiteral("numeric_paths"), encoder.numericPaths()},
                             {QStringLiteral("seconds"), double(clock.elapsed()) / 1000.0}};
    job.progress(2 * total, 2 * total, QStringLiteral("encoding records"));
    return out;
}

} // namespace orrery
