#pragma once

namespace orrery {
class Project;

/// A write transaction (BEGIN IMMEDIATE) on a project, for code outside the store that makes
/// several store calls all-or-nothing; rolled back on destruction unless commit() was called.
/// Store functions that open their own transaction must not be called inside one.
class WriteTransaction final {
public:
    explicit WriteTransaction(Project &project);
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction &) = delete;
    WriteTransaction &operator=(const WriteTransaction &) = delete;
    /// Commits; throws Error when SQLite cannot.
    void commit();

private:
    Project &m_project;
    bool m_open = true;
};

} // namespace orrery
