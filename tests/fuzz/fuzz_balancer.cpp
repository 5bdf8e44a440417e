// BalancerConfig: any text reads without crashing, and members are in order with
// lines inside the text.

#include "FuzzSupport.h"
#include "formats/BalancerConfig.h"

using namespace FuzzSupport;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input = bytes(data, size);
    const QList<BalancerMember> members = BalancerConfig::members(input);
    const int lines = 1 + static_cast<int>(input.count('\n'));
    int previous = 0;
    for (const BalancerMember &member : members) {
        check(member.line > previous && member.line <= lines, "member lines ascend within the text");
        check(!member.url.isEmpty(), "a member has a URL");
        previous = member.line;
    }
    return 0;
}
