// TomcatServerXml: a route written into a well-formed server.xml reads back, and the
// result stays well-formed.

#include "FuzzSupport.h"
#include "formats/TomcatServerXml.h"

using namespace FuzzSupport;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input = bytes(data, size);
    const auto route = TomcatServerXml::jvmRoute(input, QStringLiteral("fuzz"));
    if (!route)
        return 0;
    for (const QString &wanted :
        {QStringLiteral("node-7 & <\"'>"), QStringLiteral("\u00e9l\u00e8ve"), QString()}) {
        const auto written = TomcatServerXml::withJvmRoute(input, wanted, QStringLiteral("fuzz"));
        check(written.has_value(), "a printable route can always be written");
        check(TomcatServerXml::jvmRoute(*written, QStringLiteral("fuzz")) == wanted, "the route reads back");
    }
    const auto same = TomcatServerXml::withJvmRoute(input, *route, QStringLiteral("fuzz"));
    if (same)
        check(
            TomcatServerXml::jvmRoute(*same, QStringLiteral("fuzz")) == *route, "rewriting keeps the route");
    return 0;
}
