#pragma once

#include "Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

// The jvmRoute attribute of <Engine> in a Tomcat conf/server.xml: the suffix Tomcat
// adds to session ids, which a sticky load balancer routes by. Only that attribute's
// text is ever changed; the rest of the file stays byte for byte as it was.
namespace TomcatServerXml {

// The route of the first <Engine>; empty when it has none. The file must be
// well-formed XML and have an <Engine>.
Result<QString> jvmRoute(QByteArrayView xml, const QString &label);
// The file with the route replaced, or added to the <Engine> start tag. The route
// is written XML-escaped (characters outside ASCII as character references, so the
// file's declared encoding does not matter).
Result<QByteArray> withJvmRoute(QByteArrayView xml, const QString &route, const QString &label);

} // namespace TomcatServerXml
