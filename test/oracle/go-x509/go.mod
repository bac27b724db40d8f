module mcsdoctor/oracle/gox509

go 1.19
