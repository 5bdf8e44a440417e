#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

// One BalancerMember of an Apache httpd mod_proxy_balancer configuration.
struct BalancerMember
{
    QString url;
    QString route; // the route= parameter, "" when there is none
    int line = 0; // where the directive starts, from 1

    friend bool operator==(const BalancerMember &, const BalancerMember &) = default;
};

// Reads the members of the load balancers in front of the nodes, to compare their
// routes with the nodes' jvmRoute.
namespace BalancerConfig {

// Every `BalancerMember [balancer://name] <url> [key=value ...]` directive, whatever
// its case and indentation, inside or outside <Proxy balancer://...> blocks;
// comments are skipped and lines ending in a backslash are joined with the next.
QList<BalancerMember> members(QByteArrayView text);

} // namespace BalancerConfig
