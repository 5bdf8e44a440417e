#include "JsonReader.h"

#include <QCoreApplication>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("JsonReader", text);
}

QString typeName(const Json &value)
{
    switch (value.type()) {
    case Json::value_t::null:
        return tr("null");
    case Json::value_t::object:
        return tr("an object");
    case Json::value_t::array:
        return tr("an array");
    case Json::value_t::string:
        return tr("a string");
    case Json::value_t::boolean:
        return tr("true or false");
    default:
        return tr("a number");
    }
}

} // namespace

JsonReader::JsonReader(
    const Json &object, QString path, ValidationIssues &issues, std::initializer_list<const char *> knownKeys)
    : m_object(object)
    , m_path(std::move(path))
    , m_issues(issues)
{
    if (!m_object.is_object()) {
        addIssue(m_path, tr("must be an object, not %1").arg(typeName(m_object)));
        return;
    }
    for (const auto &item : m_object.items()) {
        bool known = false;
        for (const char *candidate : knownKeys)
            known = known || item.key() == candidate;
        if (!known)
            addIssue(pathOf(item.key().c_str()), tr("unknown key"));
    }
}

bool JsonReader::has(const char *key) const
{
    return isObject() && m_object.contains(key);
}

const Json *JsonReader::child(const char *key) const
{
    if (!has(key))
        return nullptr;
    return &m_object.at(key);
}

QString JsonReader::pathOf(const char *key) const
{
    const QString name = QString::fromUtf8(key);
    return m_path.isEmpty() ? name : m_path + QLatin1Char('.') + name;
}

QString JsonReader::pathOf(const char *key, int index) const
{
    return pathOf(key) + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
}

void JsonReader::addIssue(const QString &path, const QString &reason) const
{
    m_issues.append({path, reason});
}

const Json *JsonReader::require(const char *key, Need need) const
{
    const Json *value = child(key);
    if (!value && need == Required && isObject())
        addIssue(pathOf(key), tr("missing"));
    return value;
}

std::optional<QString> JsonReader::string(const char *key, Need need) const
{
    const Json *value = require(key, need);
    if (!value)
        return std::nullopt;
    if (!value->is_string()) {
        addIssue(pathOf(key), tr("must be a string, not %1").arg(typeName(*value)));
        return std::nullopt;
    }
    return toQString(value->get<std::string>());
}

std::optional<int> JsonReader::integer(const char *key, Need need, int minimum, int maximum) const
{
    const Json *value = require(key, need);
    if (!value)
        return std::nullopt;
    if (!value->is_number_integer()) {
        addIssue(pathOf(key), tr("must be a whole number, not %1").arg(typeName(*value)));
        return std::nullopt;
    }
    const auto number = value->get<long long>();
    if (number < minimum || number > maximum) {
        addIssue(pathOf(key), tr("must be between %1 and %2, not %3").arg(minimum).arg(maximum).arg(number));
        return std::nullopt;
    }
    return static_cast<int>(number);
}

std::optional<bool> JsonReader::boolean(const char *key, Need need) const
{
    const Json *value = require(key, need);
    if (!value)
        return std::nullopt;
    if (!value->is_boolean()) {
        addIssue(pathOf(key), tr("must be true or false, not %1").arg(typeName(*value)));
        return std::nullopt;
    }
    return value->get<bool>();
}

std::optional<QStringList> JsonReader::stringList(const char *key, Need need) const
{
    const Json *value = require(key, need);
    if (!value)
        return std::nullopt;
    if (!value->is_array()) {
        addIssue(pathOf(key), tr("must be a list of strings, not %1").arg(typeName(*value)));
        return std::nullopt;
    }
    QStringList result;
    int index = 0;
    for (const Json &item : *value) {
        if (item.is_string())
            result << toQString(item.get<std::string>());
        else
            addIssue(pathOf(key, index), tr("must be a string, not %1").arg(typeName(item)));
        ++index;
    }
    return result;
}

std::optional<Json> parseJsonText(QByteArrayView text, ValidationIssues &issues)
{
    // nlohmann reports syntax errors by exception; it is caught right here and
    // turned into an issue that names the line and column.
    const auto *begin = text.data();
    try {
        return Json::parse(begin, begin + text.size());
    } catch (const Json::parse_error &error) {
        const auto offset = std::min<qsizetype>(static_cast<qsizetype>(error.byte), text.size());
        int line = 1;
        int column = 1;
        for (qsizetype i = 0; i + 1 < offset; ++i) {
            if (text[i] == '\n') {
                ++line;
                column = 1;
            } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
                ++column; // a UTF-8 continuation byte is part of the previous character
            }
        }
        issues.append({QString(),
            QCoreApplication::translate("JsonReader", "not valid JSON at line %1, column %2")
                .arg(line)
                .arg(column)});
    } catch (const Json::exception &) {
        // A number too large for any C++ type (out_of_range.406) is reported by an
        // exception of another kind, without a position.
        issues.append(
            {QString(), QCoreApplication::translate("JsonReader", "not valid JSON: a number is too large")});
    }
    return std::nullopt;
}
