#include "io/hdf5_attributes.hpp"

#include <vector>

namespace parnet::io {

H5Datatype variable_string_type(const H5Errors& errors) {
    H5Datatype type(errors.id(H5Tcopy(H5T_C_S1), "copy the string type"));
    errors.status(H5Tset_size(type.get(), H5T_VARIABLE), "make a variable-length string type");
    errors.status(H5Tset_cset(type.get(), H5T_CSET_UTF8), "set a string type to UTF-8");
    return type;
}

void write_string_attribute(hid_t object, std::string_view name, std::string_view value,
                            const H5Errors& errors) {
    H5Datatype type = variable_string_type(errors);
    H5Dataspace space(errors.id(H5Screate(H5S_SCALAR), "create a scalar dataspace"));
    const std::string attribute_name(name);
    H5Attribute attribute(errors.id(H5Acreate2(object, attribute_name.c_str(), type.get(), space.get(),
                                               H5P_DEFAULT, H5P_DEFAULT),
                                    "create attribute '" + attribute_name + "'"));
    const std::string text(value);
    const char* pointer = text.c_str();
    errors.status(H5Awrite(attribute.get(), type.get(), &pointer), "write attribute '" + attribute_name + "'");
}

namespace {

H5Attribute open_attribute(hid_t object, std::string_view where, std::string_view name, const H5Errors& errors) {
    const std::string attribute_name(name);
    if (!errors.truth(H5Aexists(object, attribute_name.c_str()), "look up attribute '" + attribute_name + "'")) {
        throw input_error(errors.file() + ": " + std::string(where) + ": missing attribute '" + attribute_name + "'");
    }
    return H5Attribute(errors.id(H5Aopen(object, attribute_name.c_str(), H5P_DEFAULT),
                                 "open attribute '" + attribute_name + "'"));
}

void require_scalar(hid_t attribute, std::string_view where, std::string_view name, const H5Errors& errors) {
    H5Dataspace space(errors.id(H5Aget_space(attribute), "get an attribute's dataspace"));
    const hssize_t points = H5Sget_simple_extent_npoints(space.get());
    if (points != 1) {
        throw input_error(errors.file() + ": " + std::string(where) + ": attribute '" + std::string(name) +
                          "': expected a single value, got " + std::to_string(points) + " values");
    }
}

}  // namespace

std::string read_string_attribute(hid_t object, std::string_view where, std::string_view name,
                                  const H5Errors& errors) {
    H5Attribute attribute = open_attribute(object, where, name, errors);
    require_scalar(attribute.get(), where, name, errors);
    H5Datatype type(errors.id(H5Aget_type(attribute.get()), "get an attribute's type"));
    if (H5Tget_class(type.get()) != H5T_STRING) {
        throw input_error(errors.file() + ": " + std::string(where) + ": attribute '" + std::string(name) +
                          "': expected a string");
    }
    const htri_t is_variable = H5Tis_variable_str(type.get());
    errors.truth(is_variable, "inspect a string type");
    if (is_variable > 0) {
        H5Datatype memory = variable_string_type(errors);
        char* pointer = nullptr;
        errors.status(H5Aread(attribute.get(), memory.get(), &pointer), "read attribute '" + std::string(name) + "'");
        std::string value = pointer != nullptr ? std::string(pointer) : std::string();
        H5Dataspace space(errors.id(H5Aget_space(attribute.get()), "get an attribute's dataspace"));
        H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, &pointer);
        return value;
    }
    const std::size_t size = H5Tget_size(type.get());
    std::vector<char> buffer(size + 1, '\0');
    H5Datatype memory(errors.id(H5Tcopy(H5T_C_S1), "copy the string type"));
    errors.status(H5Tset_size(memory.get(), size + 1), "size a string type");
    errors.status(H5Aread(attribute.get(), memory.get(), buffer.data()), "read attribute '" + std::string(name) + "'");
    return std::string(buffer.data());
}

template <class T>
T read_scalar_attribute(hid_t object, std::string_view where, std::string_view name, H5T_class_t expected_class,
                        const H5Errors& errors) {
    H5Attribute attribute = open_attribute(object, where, name, errors);
    require_scalar(attribute.get(), where, name, errors);
    H5Datatype type(errors.id(H5Aget_type(attribute.get()), "get an attribute's type"));
    if (H5Tget_class(type.get()) != expected_class) {
        throw input_error(errors.file() + ": " + std::string(where) + ": attribute '" + std::string(name) +
                          "': expected " + (expected_class == H5T_INTEGER ? "an integer" : "a floating-point number"));
    }
    T value{};
    errors.status(H5Aread(attribute.get(), H5TypeOf<T>::memory(), &value), "read attribute '" + std::string(name) + "'");
    return value;
}

template std::uint32_t read_scalar_attribute<std::uint32_t>(hid_t, std::string_view, std::string_view, H5T_class_t,
                                                            const H5Errors&);
template std::uint64_t read_scalar_attribute<std::uint64_t>(hid_t, std::string_view, std::string_view, H5T_class_t,
                                                            const H5Errors&);

}  // namespace parnet::io
