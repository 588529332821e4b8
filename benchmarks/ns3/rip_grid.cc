// RIP on an R x C grid of routers in ns-3, the counterpart of benchmarks/bench_rip_grid.py.
//
// Usage: rip_grid ROWS COLS DURATION_S [UPDATE_S TIMEOUT_S GARBAGE_S [FAIL_AT_S]]
//
// Every router is a node; grid neighbours are joined by a point-to-point link (1 Gbps, 1 ms)
// that gets its own /30 subnet.  Routing is ns-3's RIPv2 only (no static or global routing),
// with the benchmark's timers (default: unsolicited updates every 5 s, route timeout 30 s,
// garbage collection 20 s), simple split horizon.  No application traffic: the only packets
// are RIP's.  With FAIL_AT_S, the link between the two middle routers of the first row goes
// down at that time (both interfaces set down: what a carrier loss looks like to RIP).
//
// Prints one line of key=value pairs: the simulated seconds, the number of IPv4 packets sent
// (all of them RIP), the smallest / largest number of valid routes held by a router, how many
// routers hold exactly the routes RIP can reach (a link subnet whose nearer end is d hops away
// has metric d + 1, and metric 16 means unreachable, so big grids are only partly reachable),
// and the wall seconds of set-up and of Simulator::Run().

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

// RIP's "unreachable" metric (the LinkDownValue attribute, left at its default).
constexpr uint32_t kRipInfinity = 16;

uint64_t g_ipv4Tx = 0;

void
CountIpv4Tx(Ptr<const Packet>, Ptr<Ipv4>, uint32_t)
{
    ++g_ipv4Tx;
}

// Number of valid routes in a router's RIP table, read from the table's printed form: the
// header line, the column titles and the closing blank line are not routes.
uint32_t
ValidRoutes(Ptr<Node> node)
{
    Ptr<Ipv4RoutingProtocol> proto = node->GetObject<Ipv4>()->GetRoutingProtocol();
    std::ostringstream text;
    proto->PrintRoutingTable(Create<OutputStreamWrapper>(&text), Time::S);
    std::istringstream lines(text.str());
    std::string line;
    uint32_t n = 0;
    while (std::getline(lines, line))
    {
        if (line.empty() || line.rfind("Node:", 0) == 0 || line.rfind("Destination", 0) == 0)
        {
            continue;
        }
        ++n;
    }
    return n;
}

double
SecondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int
main(int argc, char* argv[])
{
    if (argc != 4 && argc != 7 && argc != 8)
    {
        std::cerr << "usage: " << argv[0] << " ROWS COLS DURATION_S [UPDATE_S TIMEOUT_S GARBAGE_S [FAIL_AT_S]]\n";
        return 2;
    }
    const uint32_t rows = static_cast<uint32_t>(std::strtoul(argv[1], nullptr, 10));
    const uint32_t cols = static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10));
    const double duration = std::strtod(argv[3], nullptr);
    const double update = argc >= 7 ? std::strtod(argv[4], nullptr) : 5.0;
    const double timeout = argc >= 7 ? std::strtod(argv[5], nullptr) : 30.0;
    const double garbage = argc >= 7 ? std::strtod(argv[6], nullptr) : 20.0;
    const double failAt = argc == 8 ? std::strtod(argv[7], nullptr) : -1.0;
    if (rows == 0 || cols == 0 || !(duration > 0))
    {
        std::cerr << "ROWS and COLS must be positive integers, DURATION_S a positive number\n";
        return 2;
    }

    const auto setupStart = std::chrono::steady_clock::now();

    NodeContainer routers;
    routers.Create(rows * cols);
    auto at = [&](uint32_t r, uint32_t c) { return routers.Get(r * cols + c); };

    RipHelper rip;
    rip.Set("UnsolicitedRoutingUpdate", TimeValue(Seconds(update)));
    rip.Set("StartupDelay", TimeValue(Seconds(0.02)));
    rip.Set("TimeoutDelay", TimeValue(Seconds(timeout)));
    rip.Set("GarbageCollectionDelay", TimeValue(Seconds(garbage)));
    rip.Set("SplitHorizon", EnumValue(Rip::SPLIT_HORIZON));

    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.SetRoutingHelper(rip);
    stack.Install(routers);

    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
    p2p.SetChannelAttribute("Delay", TimeValue(MilliSeconds(1)));

    Ipv4AddressHelper addresses;
    addresses.SetBase("10.0.0.0", "255.255.255.252");
    // Grid position of each link's ends, kept to work out which subnets RIP can reach.
    std::vector<std::array<uint32_t, 4>> ends;
    // The interface index of each end of the failing link (first row, middle two routers).
    const uint32_t failCol = cols >= 2 ? cols / 2 - 1 : 0;
    uint32_t failIfA = 0;
    uint32_t failIfB = 0;
    auto connect = [&](uint32_t r1, uint32_t c1, uint32_t r2, uint32_t c2) {
        NetDeviceContainer pair = p2p.Install(at(r1, c1), at(r2, c2));
        Ipv4InterfaceContainer ifs = addresses.Assign(pair);
        addresses.NewNetwork();
        ends.push_back({r1, c1, r2, c2});
        if (r1 == 0 && r2 == 0 && c1 == failCol && c2 == failCol + 1)
        {
            failIfA = ifs.Get(0).second;
            failIfB = ifs.Get(1).second;
        }
    };
    for (uint32_t r = 0; r < rows; ++r)
    {
        for (uint32_t c = 0; c < cols; ++c)
        {
            if (c + 1 < cols)
            {
                connect(r, c, r, c + 1);
            }
            if (r + 1 < rows)
            {
                connect(r, c, r + 1, c);
            }
        }
    }
    const uint32_t links = static_cast<uint32_t>(ends.size());
    auto reachable = [&](uint32_t r, uint32_t c) {
        auto hops = [&](uint32_t r2, uint32_t c2) {
            return (r > r2 ? r - r2 : r2 - r) + (c > c2 ? c - c2 : c2 - c);
        };
        uint32_t n = 0;
        for (const auto& e : ends)
        {
            n += std::min(hops(e[0], e[1]), hops(e[2], e[3])) + 1 < kRipInfinity;
        }
        return n;
    };

    for (uint32_t i = 0; i < routers.GetN(); ++i)
    {
        Ptr<Ipv4L3Protocol> ip = routers.Get(i)->GetObject<Ipv4L3Protocol>();
        ip->TraceConnectWithoutContext("Tx", MakeCallback(&CountIpv4Tx));
    }

    if (failAt >= 0 && cols >= 2)
    {
        Ptr<Ipv4> a = at(0, failCol)->GetObject<Ipv4>();
        Ptr<Ipv4> b = at(0, failCol + 1)->GetObject<Ipv4>();
        Simulator::Schedule(Seconds(failAt), &Ipv4::SetDown, a, failIfA);
        Simulator::Schedule(Seconds(failAt), &Ipv4::SetDown, b, failIfB);
    }

    const double setupWall = SecondsSince(setupStart);
    const auto runStart = std::chrono::steady_clock::now();
    Simulator::Stop(Seconds(duration));
    Simulator::Run();
    const double runWall = SecondsSince(runStart);
    const double simulated = Simulator::Now().GetSeconds();

    uint32_t fewest = std::numeric_limits<uint32_t>::max();
    uint32_t most = 0;
    uint32_t complete = 0;
    for (uint32_t r = 0; r < rows; ++r)
    {
        for (uint32_t c = 0; c < cols; ++c)
        {
            const uint32_t n = ValidRoutes(at(r, c));
            fewest = std::min(fewest, n);
            most = std::max(most, n);
            complete += n == reachable(r, c);
        }
    }
    Simulator::Destroy();

    std::cout << "sim_s=" << simulated << " routers=" << routers.GetN() << " links=" << links
              << " ipv4_tx_packets=" << g_ipv4Tx << " routes_min=" << fewest << " routes_max=" << most
              << " routers_complete=" << complete << " setup_wall_s=" << setupWall
              << " run_wall_s=" << runWall << std::endl;
    return 0;
}
