#pragma once
// std::vector storage aligned to a cache line, so SIMD loads of whole lane groups never split.
#include <cstddef>
#include <new>
#include <vector>

namespace parnet::cable {

template <class T>
struct CacheAlignedAllocator {
    using value_type = T;
    static constexpr std::align_val_t alignment{64};
    CacheAlignedAllocator() = default;
    template <class U>
    CacheAlignedAllocator(const CacheAlignedAllocator<U>&) {}
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), alignment)); }
    void deallocate(T* p, std::size_t n) { ::operator delete(p, n * sizeof(T), alignment); }
    template <class U>
    bool operator==(const CacheAlignedAllocator<U>&) const { return true; }
};

template <class T>
using aligned_vector = std::vector<T, CacheAlignedAllocator<T>>;

}  // namespace parnet::cable
