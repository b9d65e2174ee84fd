#pragma once
// Typed HDF5 attributes and the element types parnet stores (little-endian in the file, native
// in memory). Attributes are metadata: in a parallel file every rank makes the same calls with
// the same values.
#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "io/hdf5_handle.hpp"

namespace parnet::io {

// The file type parnet writes for a C++ element type, and the matching memory and MPI types.
template <class T> struct H5TypeOf;
template <> struct H5TypeOf<std::uint8_t> {
    static hid_t file() { return H5T_STD_U8LE; }
    static hid_t memory() { return H5T_NATIVE_UINT8; }
    static MPI_Datatype mpi() { return MPI_UINT8_T; }
};
template <> struct H5TypeOf<std::uint16_t> {
    static hid_t file() { return H5T_STD_U16LE; }
    static hid_t memory() { return H5T_NATIVE_UINT16; }
    static MPI_Datatype mpi() { return MPI_UINT16_T; }
};
template <> struct H5TypeOf<std::uint32_t> {
    static hid_t file() { return H5T_STD_U32LE; }
    static hid_t memory() { return H5T_NATIVE_UINT32; }
    static MPI_Datatype mpi() { return MPI_UINT32_T; }
};
template <> struct H5TypeOf<std::uint64_t> {
    static hid_t file() { return H5T_STD_U64LE; }
    static hid_t memory() { return H5T_NATIVE_UINT64; }
    static MPI_Datatype mpi() { return MPI_UINT64_T; }
};
template <> struct H5TypeOf<float> {
    static hid_t file() { return H5T_IEEE_F32LE; }
    static hid_t memory() { return H5T_NATIVE_FLOAT; }
    static MPI_Datatype mpi() { return MPI_FLOAT; }
};
template <> struct H5TypeOf<double> {
    static hid_t file() { return H5T_IEEE_F64LE; }
    static hid_t memory() { return H5T_NATIVE_DOUBLE; }
    static MPI_Datatype mpi() { return MPI_DOUBLE; }
};

// A variable-length UTF-8 string type, as h5py writes `attrs[name] = "text"`.
H5Datatype variable_string_type(const H5Errors& errors);

// Scalar string attribute (variable-length UTF-8).
void write_string_attribute(hid_t object, std::string_view name, std::string_view value,
                            const H5Errors& errors);
// Reads a string attribute stored either variable-length or fixed-length; `where` names the
// object in messages ("/spikes/All"). Missing or non-string attributes throw input_error.
std::string read_string_attribute(hid_t object, std::string_view where, std::string_view name,
                                  const H5Errors& errors);

// Scalar numeric attribute of type T.
template <class T>
void write_scalar_attribute(hid_t object, std::string_view name, T value, const H5Errors& errors) {
    H5Dataspace space(errors.id(H5Screate(H5S_SCALAR), "create a scalar dataspace"));
    std::string what = "create attribute '" + std::string(name) + "'";
    H5Attribute attribute(errors.id(
        H5Acreate2(object, std::string(name).c_str(), H5TypeOf<T>::file(), space.get(), H5P_DEFAULT,
                   H5P_DEFAULT),
        what));
    errors.status(H5Awrite(attribute.get(), H5TypeOf<T>::memory(), &value),
                  "write attribute '" + std::string(name) + "'");
}

// Reads a scalar numeric attribute of the given HDF5 class (H5T_INTEGER or H5T_FLOAT),
// converted to T; anything else throws input_error naming the object and the attribute.
template <class T>
T read_scalar_attribute(hid_t object, std::string_view where, std::string_view name,
                        H5T_class_t expected_class, const H5Errors& errors);

extern template std::uint32_t read_scalar_attribute<std::uint32_t>(hid_t, std::string_view, std::string_view,
                                                                   H5T_class_t, const H5Errors&);
extern template std::uint64_t read_scalar_attribute<std::uint64_t>(hid_t, std::string_view, std::string_view,
                                                                   H5T_class_t, const H5Errors&);

}  // namespace parnet::io
