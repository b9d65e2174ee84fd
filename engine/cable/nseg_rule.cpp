#include "nseg_rule.hpp"

#include "section_geometry.hpp"

namespace parnet::cable {

std::uint32_t nseg_for(const CableSection& section, const NsegRule& rule) {
    switch (rule.kind) {
    case NsegRule::Kind::fixed: return rule.count;
    case NsegRule::Kind::per_length:
        return 1 + 2 * static_cast<std::uint32_t>(section_length(section) / rule.per_length);
    case NsegRule::Kind::d_lambda: {
        const double L = section_length(section);
        const double lambda = lambda_f(section, rule.frequency);
        return static_cast<std::uint32_t>((L / (rule.d_lambda * lambda) + 0.9) / 2) * 2 + 1;
    }
    }
    return 1;
}

}  // namespace parnet::cable
