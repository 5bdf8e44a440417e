// OpenSpecimenClusterJson: whatever parses writes out as JSON that parses back to
// the same object, and validation never throws or crashes.

#include "FuzzSupport.h"
#include "formats/OpenSpecimenClusterJson.h"

using namespace FuzzSupport;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const auto parsed = OpenSpecimenClusterJson::parse(bytes(data, size));
    if (!parsed) {
        check(!parsed.error().isEmpty(), "a refusal names a problem");
        return 0;
    }
    const ValidationIssues issues = parsed->validate();
    // A short secret may turn up in a message by chance ("a"); a real one must not.
    if (parsed->secret.size() >= 8) {
        for (const ValidationIssue &issue : issues)
            check(!issue.toString().contains(parsed->secret), "no message shows the secret");
    }
    const auto again = OpenSpecimenClusterJson::parse(parsed->toJson());
    check(again.has_value(), "toJson() parses");
    check(*again == *parsed, "parse(toJson()) gives the same object");
    check(again->validate() == issues, "the same issues after a round trip");
    return 0;
}
