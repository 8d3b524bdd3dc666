#pragma once

#include <QString>

#include <exception>

namespace orrery {

/// The one exception core throws. Its message is already fit for a person:
/// for input problems it starts with `file:line[:column]:` or `file: byte N:`.
class Error : public std::exception {
public:
    explicit Error(QString message) : m_message(std::move(message)), m_utf8(m_message.toUtf8()) { }
    const QString &message() const noexcept { return m_message; }
    const char *what() const noexcept override { return m_utf8.constData(); }

private:
    QString m_message;
    QByteArray m_utf8;
};

/// Thrown when a job sees its cancel flag; callers roll back and report "cancelled".
class Cancelled final : public Error {
public:
    Cancelled() : Error(QStringLiteral("cancelled")) { }
};

} // namespace orrery
