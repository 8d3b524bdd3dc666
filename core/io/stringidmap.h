#pragma once

#include <QtGlobal>

#include <string>
#include <string_view>
#include <vector>

namespace orrery::io {

/// An open-addressing map from strings to ids, for the millions of identities an import
/// dedupes. Keys live in one arena; a slot holds the full hash, so a probe compares bytes
/// only on a real match. About 24 bytes a key plus the key itself.
class StringIdMap final {
public:
    qint64 find(std::string_view key) const
    {
        if (m_slots.empty())
            return 0;
        const quint64 h = hash(key);
        for (size_t i = h & m_mask;; i = (i + 1) & m_mask) {
            const Slot &s = m_slots[i];
            if (!s.id)
                return 0;
            if (s.hash == h && s.length == key.size() && std::string_view(m_arena.data() + s.offset, s.length) == key)
                return s.id;
        }
    }

    /// Inserts a key that is not present.
    void insert(std::string_view key, qint64 id)
    {
        if ((m_size + 1) * 4 >= m_slots.size() * 3)
            grow();
        const quint64 h = hash(key);
        size_t i = h & m_mask;
        while (m_slots[i].id)
            i = (i + 1) & m_mask;
        m_slots[i] = {h, id, m_arena.size(), key.size()};
        m_arena.append(key);
        ++m_size;
    }

    size_t size() const { return m_size; }

private:
    struct Slot {
        quint64 hash = 0;
        qint64 id = 0; ///< 0 marks an empty slot (ids start at 1)
        size_t offset = 0;
        size_t length = 0;
    };

    static quint64 hash(std::string_view s)
    {
        // FNV-1a over 8-byte words, then a murmur finaliser: fast and well mixed for URIs.
        quint64 h = 0xcbf29ce484222325ull ^ s.size();
        size_t i = 0;
        for (; i + 8 <= s.size(); i += 8) {
            quint64 w;
            __builtin_memcpy(&w, s.data() + i, 8);
            h = (h ^ w) * 0x100000001b3ull;
            h ^= h >> 29;
        }
        for (; i < s.size(); ++i)
            h = (h ^ static_cast<unsigned char>(s[i])) * 0x100000001b3ull;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53ull;
        h ^= h >> 33;
        return h;
    }

    void grow()
    {
        std::vector<Slot> old = std::move(m_slots);
        m_slots.assign(old.empty() ? 1024 : old.size() * 2, Slot {});
        m_mask = m_slots.size() - 1;
        for (const Slot &s : old) {
            if (!s.id)
                continue;
            size_t i = s.hash & m_mask;
            while (m_slots[i].id)
                i = (i + 1) & m_mask;
            m_slots[i] = s;
        }
    }

    std::vector<Slot> m_slots;
    std::string m_arena;
    size_t m_mask = 0;
    size_t m_size = 0;
};

} // namespace orrery::io
